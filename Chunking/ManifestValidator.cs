using Mesh.Proto;

namespace Mesh.Chunking;

/// <summary>Checks that a manifest received from anywhere adds up before anything acts on it.</summary>
public static class ManifestValidator
{
    /// <summary>
    /// Throws <see cref="InvalidManifestException"/> unless the parameter id is known, every chunk
    /// hash and the file hash are 32 bytes, every chunk length is within the parameter set's limits
    /// (only the last chunk may be shorter than the minimum), the lengths sum to the size, and the
    /// file hash matches the chunk list.
    /// </summary>
    public static void Validate(FileManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (!ChunkerParameters.TryFromId(manifest.ChunkerId, out var parameters))
        {
            throw new InvalidManifestException($"manifest uses unknown chunker parameter set id {manifest.ChunkerId}");
        }

        if (manifest.FileHash.Length != ChunkHash.Size)
        {
            throw new InvalidManifestException($"file hash is {manifest.FileHash.Length} bytes, expected {ChunkHash.Size}");
        }

        ulong total = 0;
        var chunks = manifest.Chunks;
        for (var i = 0; i < chunks.Count; i++)
        {
            var chunk = chunks[i];
            if (chunk.Hash.Length != ChunkHash.Size)
            {
                throw new InvalidManifestException($"chunk {i} has a {chunk.Hash.Length}-byte hash, expected {ChunkHash.Size}");
            }

            if (chunk.Length == 0 || chunk.Length > parameters.MaxSize)
            {
                throw new InvalidManifestException($"chunk {i} is {chunk.Length} bytes, outside 1..{parameters.MaxSize} for parameter set {parameters.Id}");
            }

            if (chunk.Length < parameters.MinSize && i != chunks.Count - 1)
            {
                throw new InvalidManifestException($"chunk {i} is {chunk.Length} bytes, below the minimum {parameters.MinSize}, and is not the last chunk");
            }

            total += chunk.Length;
        }

        if (total != manifest.Size)
        {
            throw new InvalidManifestException($"chunk lengths add up to {total} bytes but the manifest says the file is {manifest.Size}");
        }

        if (!FileHash.Compute(manifest.ChunkerId, manifest.Size, chunks).Equals(manifest.FileHash))
        {
            throw new InvalidManifestException("file hash does not match the chunk list");
        }
    }
}
