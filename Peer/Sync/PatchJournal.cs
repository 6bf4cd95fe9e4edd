using System.Security.Cryptography;
using System.Text;
using Mesh.Peer.Files;

namespace Mesh.Peer.Sync;

/// <summary>The bytes of one range of a file before and after an in-place patch.</summary>
/// <param name="Offset">Where the range starts.</param>
/// <param name="Old">The bytes there before the patch.</param>
/// <param name="New">The bytes the patch writes there (same length).</param>
internal sealed record PatchJournalRange(long Offset, byte[] Old, byte[] New);

/// <summary>
/// The undo journal of one in-place patch (<see cref="InPlacePatcher"/>): which file, which version it
/// was and becomes, and the old and new bytes of every range the patch overwrites. It is made durable
/// before the file is touched and deleted once the new version is committed to the index, so a journal
/// found at start-up means a patch may have been cut short (<see cref="PatchJournalRecovery"/>).
/// </summary>
/// <remarks>
/// Format (little-endian): magic, the fields below in order (byte arrays and the name with an
/// <see cref="int"/> length first), the ranges, then the SHA-256 of everything before it. A journal
/// cut short or damaged fails the checksum and is never replayed: it was being written, so the file had
/// not been touched yet.
/// </remarks>
internal sealed record PatchJournal(
    string Name,
    long Size,
    ulong Inode,
    long OldModifiedNs,
    uint OldMode,
    byte[] OldFileHash,
    long NewModifiedNs,
    uint NewMode,
    byte[] NewFileHash,
    IReadOnlyList<PatchJournalRange> Ranges)
{
    /// <summary>Journals live here, under the folder's reserved state directory.</summary>
    public const string DirectoryName = EngineFiles.StateFolder + "/patches";

    /// <summary>The file name ending of a journal.</summary>
    public const string Extension = ".journal";

    private const int MaxNameBytes = 4096;
    private const int MaxHashBytes = 64;
    private static readonly byte[] Magic = "MESHPJ01"u8.ToArray();

    /// <summary>The journal directory of a folder (absolute).</summary>
    public static string DirectoryOf(SyncFolder folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return folder.PathOf(DirectoryName);
    }

    /// <summary>The journal path for a file name: fixed per name, so a name has at most one patch under way.</summary>
    public static string PathFor(SyncFolder folder, string name) =>
        Path.Combine(DirectoryOf(folder), Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(name)), 0, 16).ToLowerInvariant() + Extension);

    /// <summary>Writes the journal and makes it and its name durable.</summary>
    /// <exception cref="IOException">Writing or flushing failed (a full disk included).</exception>
    public void Write(IFileSystem fs, string path)
    {
        ArgumentNullException.ThrowIfNull(fs);
        var bytes = Serialize();
        var directory = Path.GetDirectoryName(path)!;
        fs.CreateDirectory(directory);
        fs.DeleteFile(path);
        using (var handle = fs.OpenWrite(path))
        {
            RandomAccess.Write(handle, bytes, 0);
            fs.Flush(handle);
        }

        DirectoryFlush.Flush(directory);
    }

    /// <summary>Reads a journal; null (and why in <paramref name="problem"/>) when it is unreadable, cut short or damaged.</summary>
    public static PatchJournal? TryRead(string path, out string? problem)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = ex.Message;
            return null;
        }

        return TryParse(bytes, out problem);
    }

    /// <summary>Parses serialized journal bytes; null (and why) when they are not a whole, intact journal.</summary>
    public static PatchJournal? TryParse(byte[] bytes, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length < Magic.Length + SHA256.HashSizeInBytes || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            problem = "not a patch journal, or cut short";
            return null;
        }

        var body = bytes.AsSpan(0, bytes.Length - SHA256.HashSizeInBytes);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(body.Length)))
        {
            problem = "checksum mismatch (cut short or damaged)";
            return null;
        }

        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, Magic.Length, body.Length - Magic.Length, writable: false));
            var name = Encoding.UTF8.GetString(ReadBytes(reader, MaxNameBytes));
            var size = reader.ReadInt64();
            var inode = reader.ReadUInt64();
            var oldModified = reader.ReadInt64();
            var oldMode = reader.ReadUInt32();
            var oldHash = ReadBytes(reader, MaxHashBytes);
            var newModified = reader.ReadInt64();
            var newMode = reader.ReadUInt32();
            var newHash = ReadBytes(reader, MaxHashBytes);
            var count = reader.ReadInt32();
            if (count < 0 || count > InPlacePatchPlan.MaxChangedBytes)
            {
                problem = "bad range count";
                return null;
            }

            var ranges = new List<PatchJournalRange>(count);
            for (var i = 0; i < count; i++)
            {
                var offset = reader.ReadInt64();
                var old = ReadBytes(reader, (int)InPlacePatchPlan.MaxChangedBytes);
                var replacement = ReadBytes(reader, (int)InPlacePatchPlan.MaxChangedBytes);
                if (offset < 0 || old.Length != replacement.Length || offset + old.Length > size)
                {
                    problem = "a range does not fit the file";
                    return null;
                }

                ranges.Add(new PatchJournalRange(offset, old, replacement));
            }

            problem = null;
            return new PatchJournal(name, size, inode, oldModified, oldMode, oldHash, newModified, newMode, newHash, ranges);
        }
        catch (Exception ex) when (ex is EndOfStreamException or FormatException or ArgumentException)
        {
            problem = "malformed: " + ex.Message;
            return null;
        }
    }

    /// <summary>The journal as bytes, checksum included.</summary>
    public byte[] Serialize()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            WriteBytes(writer, Encoding.UTF8.GetBytes(Name));
            writer.Write(Size);
            writer.Write(Inode);
            writer.Write(OldModifiedNs);
            writer.Write(OldMode);
            WriteBytes(writer, OldFileHash);
            writer.Write(NewModifiedNs);
            writer.Write(NewMode);
            WriteBytes(writer, NewFileHash);
            writer.Write(Ranges.Count);
            foreach (var range in Ranges)
            {
                writer.Write(range.Offset);
                WriteBytes(writer, range.Old);
                WriteBytes(writer, range.New);
            }
        }

        var body = stream.ToArray();
        var result = new byte[body.Length + SHA256.HashSizeInBytes];
        body.CopyTo(result, 0);
        SHA256.HashData(body, result.AsSpan(body.Length));
        return result;
    }

    private static void WriteBytes(BinaryWriter writer, byte[] bytes)
    {
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    private static byte[] ReadBytes(BinaryReader reader, int max)
    {
        var length = reader.ReadInt32();
        if (length < 0 || length > max)
        {
            throw new FormatException($"length {length} out of range");
        }

        var bytes = reader.ReadBytes(length);
        return bytes.Length == length ? bytes : throw new EndOfStreamException();
    }
}
