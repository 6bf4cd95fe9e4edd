using System.Globalization;
using System.Text;
using Mesh.Peer.Control;
using Mesh.Peer.Daemon;

namespace Mesh.Peer.Cli;

/// <summary>The human form of a <see cref="StatusReport"/>: a folder table, progress lines and a peer table.</summary>
internal static class StatusText
{
    /// <summary>Formats the report as aligned text.</summary>
    public static string Format(StatusReport status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Device {status.DeviceId} ({status.Name}), listening on {status.Listen ?? "nothing"}\n\n");
        var folders = new List<string[]> { new[] { "FOLDER", "STATE", "LOCAL", "NEEDED", "PATH" } };
        foreach (var folder in status.Folders)
        {
            folders.Add([
                folder.Id,
                folder.State,
                string.Create(CultureInfo.InvariantCulture, $"{folder.LocalFiles} files, {ByteSize.Format(folder.LocalBytes)}"),
                string.Create(CultureInfo.InvariantCulture, $"{folder.NeedFiles} files, {ByteSize.Format(folder.NeedBytes)}"),
                folder.Path,
            ]);
        }

        AppendTable(text, folders);
        foreach (var folder in status.Folders)
        {
            if (folder.Progress is { } progress)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {folder.Id}: {ByteSize.Describe(progress)}\n");
            }

            if (folder.Error is { } error)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {folder.Id}: error: {error}\n");
            }
        }

        text.Append('\n');
        var peers = new List<string[]> { new[] { "PEER", "CONNECTED", "PATH", "ADDRESS", "IN", "OUT" } };
        foreach (var peer in status.Peers)
        {
            peers.Add([
                peer.DeviceId.Length > 7 ? peer.DeviceId[..7] : peer.DeviceId,
                peer.Connected ? "yes" : "no",
                peer.Connected ? peer.Path ?? "-" : "-",
                peer.Address ?? "-",
                ByteSize.Format(peer.BytesIn),
                ByteSize.Format(peer.BytesOut),
            ]);
        }

        if (status.Peers.Count == 0)
        {
            text.Append("No peers configured (add one with 'mesh peer add').\n");
        }
        else
        {
            AppendTable(text, peers);
        }

        return text.ToString();
    }

    private static void AppendTable(StringBuilder text, List<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(column => rows.Max(row => row[column].Length)).ToArray();
        foreach (var row in rows)
        {
            for (var column = 0; column < row.Length; column++)
            {
                var last = column == row.Length - 1;
                text.Append(last ? row[column] : row[column].PadRight(widths[column] + 2));
            }

            text.Append('\n');
        }
    }
}
