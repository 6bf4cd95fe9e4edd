using Mesh.Proto;
using Microsoft.Win32.SafeHandles;

namespace Mesh.Chunking;

/// <summary>Builds the manifest of a file: content-defined chunks, their hashes and the file hash.</summary>
public static class ManifestBuilder
{
    /// <summary>
    /// Reads <paramref name="stream"/> to its end and returns its manifest. Reading, chunking and
    /// hashing overlap across cores; memory stays bounded (a few blocks of a few MiB) whatever the size.
    /// </summary>
    public static Task<FileManifest> BuildAsync(Stream stream, ChunkerParameters parameters, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(parameters);
        return ManifestPipeline.RunAsync(stream, parameters, ManifestPipeline.DefaultBlockSize, ct);
    }

    /// <summary>Builds the manifest of the file at <paramref name="path"/> with the default parameter set.</summary>
    public static Task<FileManifest> BuildAsync(string path, CancellationToken ct) => BuildAsync(path, ChunkerParameters.Default, ct);

    /// <summary>Builds the manifest of the file at <paramref name="path"/>.</summary>
    public static Task<FileManifest> BuildAsync(string path, ChunkerParameters parameters, CancellationToken ct) =>
        BuildAsync(path, parameters, ManifestPipeline.DefaultBlockSize, ct);

    /// <summary>
    /// Builds the manifest of the file at <paramref name="path"/>, reading it in blocks of
    /// <paramref name="blockSize"/> bytes. Larger blocks cost less CPU (fewer seams where chunks are cut
    /// and hashed twice) and more memory: about seven blocks are held at once on two cores. The
    /// manifest is the same whatever the block size.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="blockSize"/> is not positive.</exception>
    public static async Task<FileManifest> BuildAsync(string path, ChunkerParameters parameters, int blockSize, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);

        // A bare handle rather than a FileStream: the pipeline's tasks read their own blocks with
        // positional reads, in parallel, straight into the blocks' buffers.
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan);
        return await BuildAsync(file, parameters, blockSize, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Builds the manifest of the file open as <paramref name="file"/> (read with positional reads, on
    /// every core; the handle's position is neither used nor moved). The caller keeps the handle.
    /// </summary>
    public static Task<FileManifest> BuildAsync(SafeFileHandle file, ChunkerParameters parameters, CancellationToken ct) =>
        BuildAsync(file, parameters, ManifestPipeline.DefaultBlockSize, ct);

    private static async Task<FileManifest> BuildAsync(SafeFileHandle file, ChunkerParameters parameters, int blockSize, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(parameters);
        if (RandomAccess.GetLength(file) > 0)
        {
            return await ManifestPipeline.RunAsync(file, parameters, blockSize, ct).ConfigureAwait(false);
        }

        // No length to plan blocks by: empty, or not a regular file (/proc files, pipes, devices
        // report 0 yet have content, or fail to read): read it front to back until it ends.
        var stream = new FileStream(file, FileAccess.Read, bufferSize: 0);
        await using (stream.ConfigureAwait(false))
        {
            return await ManifestPipeline.RunAsync(stream, parameters, blockSize, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Builds the manifest of an in-memory buffer on the calling thread only.</summary>
    public static FileManifest Build(ReadOnlySpan<byte> data, ChunkerParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var manifest = new FileManifest { ChunkerId = parameters.Id, Size = (ulong)data.Length };
        Span<byte> hash = stackalloc byte[ChunkHash.Size];
        var offset = 0;
        while (offset < data.Length)
        {
            var length = Chunker.NextChunkLength(data[offset..], parameters, isFinal: true);
            ChunkHasher.Hash(data.Slice(offset, length), hash);
            manifest.Chunks.Add(new ChunkRef { Hash = Google.Protobuf.ByteString.CopyFrom(hash), Length = (uint)length });
            offset += length;
        }

        manifest.FileHash = FileHash.Compute(manifest.ChunkerId, manifest.Size, manifest.Chunks);
        return manifest;
    }
}
