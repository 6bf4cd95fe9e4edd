using Microsoft.Win32.SafeHandles;

namespace Mesh.Peer.Sync;

/// <summary>
/// A small file assembled and verified in its temporary file, not yet flushed, renamed or recorded:
/// it waits in a <see cref="CommitBatch"/> so that many files share one durability barrier and one
/// index transaction. <paramref name="Handle"/> stays open for the flush.
/// </summary>
internal sealed record PendingFile(Need Need, string Temp, string Path, SafeFileHandle Handle);
