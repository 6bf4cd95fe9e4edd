namespace Mesh.Chunking;

/// <summary>A chunk of the target version that the receiver can copy from its old version of the file.</summary>
/// <param name="Index">Position of the chunk in the target manifest.</param>
/// <param name="Offset">Offset of the chunk in the target file.</param>
/// <param name="Length">Length of the chunk in bytes.</param>
/// <param name="Hash">Hash of the chunk.</param>
/// <param name="SourceOffset">Offset of identical bytes in the old version.</param>
public readonly record struct ChunkToCopy(int Index, long Offset, int Length, ChunkHash Hash, long SourceOffset);
