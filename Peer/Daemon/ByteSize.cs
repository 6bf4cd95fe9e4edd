using System.Globalization;

namespace Mesh.Peer.Daemon;

/// <summary>Byte counts and durations as people read them in logs and status ("12.5 MiB", "3 min 20 s").</summary>
internal static class ByteSize
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB"];

    /// <summary>Formats a byte count with a binary unit.</summary>
    public static string Format(double bytes)
    {
        var unit = 0;
        while (Math.Abs(bytes) >= 1024 && unit < Units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes:0} {Units[unit]}")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes:0.0} {Units[unit]}");
    }

    /// <summary>Formats seconds left, or "?" when unknown.</summary>
    public static string FormatSeconds(double? seconds)
    {
        if (seconds is not { } s || double.IsInfinity(s) || double.IsNaN(s))
        {
            return "?";
        }

        var span = TimeSpan.FromSeconds(Math.Max(0, s));
        return span.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h {span.Minutes} min")
            : span.TotalMinutes >= 1
                ? string.Create(CultureInfo.InvariantCulture, $"{span.Minutes} min {span.Seconds} s")
                : string.Create(CultureInfo.InvariantCulture, $"{Math.Ceiling(span.TotalSeconds):0} s");
    }

    /// <summary>One line for a progress report: "412/2000 files, 120.0 MiB/512.0 MiB, 45.0 MiB/s, 8 s left".</summary>
    public static string Describe(Control.ProgressReport progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{progress.Phase} {progress.FilesDone}/{progress.FilesTotal} files, {Format(progress.BytesDone)}/{Format(progress.BytesTotal)}, {Format(progress.BytesPerSecond)}/s, {FormatSeconds(progress.SecondsLeft)} left");
    }
}
