using Microsoft.Extensions.Logging;

namespace Mesh.Peer.Cli;

/// <summary>
/// Writes log lines to a <see cref="TextWriter"/> (the demo's log file), one per event, so the demo's
/// narration on the console stays readable while the daemons' logs are still kept.
/// </summary>
internal sealed class TextWriterLoggerProvider(TextWriter writer) : ILoggerProvider
{
    private readonly Lock _gate = new();

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new TextWriterLogger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    /// <summary>Writes one formatted line.</summary>
    internal void Write(string line)
    {
        lock (_gate)
        {
            writer.WriteLine(line);
        }
    }
}
