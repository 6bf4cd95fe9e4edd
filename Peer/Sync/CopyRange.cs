namespace Mesh.Peer.Sync;

/// <summary>
/// A run of consecutive chunks of a target file whose bytes sit, in the same order and without gaps,
/// in the version of the file already on disk: one copy instead of one per chunk.
/// </summary>
/// <param name="SourceOffset">Where the run starts in the version on disk.</param>
/// <param name="Offset">Where it starts in the target file.</param>
/// <param name="Length">Bytes in the run.</param>
/// <param name="FirstChunk">Index of the run's first chunk in the target manifest.</param>
/// <param name="ChunkCount">Chunks in the run.</param>
internal readonly record struct CopyRange(long SourceOffset, long Offset, long Length, int FirstChunk, int ChunkCount);
