using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Mesh.Peer.Cli;

/// <summary>One category's logger of a <see cref="TextWriterLoggerProvider"/>.</summary>
internal sealed class TextWriterLogger(TextWriterLoggerProvider provider, string category) : ILogger
{
    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        var line = string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {logLevel} {category}: {formatter(state, exception)}");
        provider.Write(exception is null ? line : line + Environment.NewLine + exception);
    }
}
