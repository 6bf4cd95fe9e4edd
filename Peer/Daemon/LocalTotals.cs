using Mesh.Peer.Index;

namespace Mesh.Peer.Daemon;

/// <summary>
/// Files and bytes in a folder's local index, for status: the running totals the index keeps in the
/// transaction of each change (<see cref="IndexStore.LocalTotalsQuery"/>), read over the status
/// connection (never holding the engine's index lock). A poll reads one row, whatever the folder holds.
/// </summary>
/// <remarks>
/// Until session 9 each poll of a changed folder recounted every local entry: through the status
/// reader's memory map that kept the whole files table resident (15–25 MiB of a daemon's peak RSS), and
/// without the map it cost whole seconds of CPU in <c>pread</c> (docs/daemon.md, "Memory, session 9").
/// </remarks>
internal sealed class LocalTotals(StatusIndexConnection index)
{
    /// <summary>Files (not directories, links or deletes) and their bytes in <paramref name="folder"/>.</summary>
    public (long Files, long Bytes) Of(string folder) =>
        index.Read(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = IndexStore.LocalTotalsQuery;
            return IndexStore.ReadLocalTotals(command, folder);
        });
}
