namespace Mesh.Chunking;

/// <summary>A chunk of the target version that the receiver does not have and must fetch from a peer.</summary>
/// <param name="Index">Position of the chunk in the target manifest.</param>
/// <param name="Offset">Offset of the chunk in the target file.</param>
/// <param name="Length">Length of the chunk in bytes.</param>
/// <param name="Hash">Hash of the chunk.</param>
public readonly record struct ChunkToFetch(int Index, long Offset, int Length, ChunkHash Hash);
