using Mesh.Proto;

namespace Mesh.Peer.Index;

/// <summary>A file as the index holds it: the announced entry plus what only this device needs (the inode).</summary>
/// <param name="Entry">The entry as announced.</param>
/// <param name="Inode">Inode at the last scan, for change and rename detection; 0 for remote entries.</param>
internal sealed record StoredFile(FileEntry Entry, ulong Inode);
