namespace Mesh.Peer.Index;

/// <summary>Where a chunk with a given hash sits in one of this device's files.</summary>
/// <param name="Folder">Folder ID.</param>
/// <param name="Name">File name in that folder.</param>
/// <param name="Offset">Byte offset of the chunk.</param>
/// <param name="Length">Chunk length.</param>
internal sealed record ChunkLocation(string Folder, string Name, long Offset, int Length);
