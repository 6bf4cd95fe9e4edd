using Mesh.Chunking;
using Mesh.Peer.Files;

namespace Mesh.Peer.Sync;

/// <summary>
/// Reads a chunk out of a local file and checks it against its hash, for answering peers and for
/// reusing local data in a pull. Only regular files are read, and only through real directories, so
/// neither can be steered out of the folder by a symlink.
/// </summary>
internal static class LocalChunkReader
{
    /// <summary>
    /// Fills <paramref name="destination"/> from <paramref name="name"/> at <paramref name="offset"/>;
    /// true when the bytes are there and hash to <paramref name="hash"/>. With <paramref name="recorded"/>,
    /// a chunk of at least <see cref="RecordedChunks.MinTrustedLength"/> bytes that the file's index record
    /// places there, while the file's stat matches that record, is not hashed (see <see cref="RecordedChunks"/>).
    /// </summary>
    public static bool TryRead(SyncFolder folder, string name, long offset, Span<byte> destination, ReadOnlySpan<byte> hash, RecordedChunks? recorded = null)
    {
        if (NameValidator.Check(name) is not null || folder.CheckParents(name) is not null)
        {
            return false;
        }

        var path = folder.PathOf(name);
        if (folder.FileSystem.Stat(path) is not { Kind: FileKind.File } stat || stat.Size < offset + destination.Length)
        {
            return false;
        }

        try
        {
            using var handle = folder.FileSystem.OpenRead(path);
            var total = 0;
            while (total < destination.Length)
            {
                var read = RandomAccess.Read(handle, destination[total..], offset + total);
                if (read == 0)
                {
                    return false;
                }

                total += read;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        return (recorded is not null && destination.Length >= RecordedChunks.MinTrustedLength &&
                recorded.Contains(folder.Id, name, stat, offset, destination.Length, hash)) ||
               HashMatches(destination, hash);
    }

    /// <summary>True when <paramref name="data"/> hashes to <paramref name="hash"/>.</summary>
    public static bool HashMatches(ReadOnlySpan<byte> data, ReadOnlySpan<byte> hash)
    {
        Span<byte> actual = stackalloc byte[ChunkHash.Size];
        ChunkHasher.Hash(data, actual);
        return actual.SequenceEqual(hash);
    }
}
