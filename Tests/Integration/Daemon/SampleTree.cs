namespace Mesh.Integration.Daemon;

/// <summary>Files the daemon tests sync: a mixed tree, and random content that no chunk of another file shares.</summary>
internal static class SampleTree
{
    /// <summary>
    /// Empty, tiny and multi-chunk files, nested and empty directories, a symlink, and names with a space and a
    /// non-ASCII (NFC) character.
    /// </summary>
    public static void WriteMixed(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "docs", "deep", "deeper"));
        Directory.CreateDirectory(Path.Combine(root, "empty"));
        Directory.CreateDirectory(Path.Combine(root, "photos", "2024"));
        File.WriteAllBytes(Path.Combine(root, "zero.bin"), []);
        File.WriteAllText(Path.Combine(root, "readme.txt"), "hello from A\n");
        File.WriteAllText(Path.Combine(root, "docs", "notes with space.txt"), "a name with a space\n");
        File.WriteAllText(Path.Combine(root, "docs", "caf\u00e9.txt"), "NFC name\n");
        WriteRandom(Path.Combine(root, "docs", "deep", "deeper", "report.bin"), 100 * 1024, seed: 1);
        WriteRandom(Path.Combine(root, "photos", "2024", "large.bin"), 3 * 1024 * 1024 + 17, seed: 2);
        File.CreateSymbolicLink(Path.Combine(root, "link-to-readme"), "readme.txt");
    }

    /// <summary>
    /// Writes <paramref name="size"/> incompressible bytes, the same for the same seed. An xorshift64*
    /// stream fills a MiB at a time, several GB/s, so a test of a 1 GiB file spends well under a second
    /// making it (seeded <see cref="Random"/> takes seconds per GiB).
    /// </summary>
    public static void WriteRandom(string path, long size, int seed)
    {
        var state = 0x9E3779B97F4A7C15UL ^ (ulong)seed;
        var buffer = new byte[1 << 20];
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(buffer.AsSpan());
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        for (var left = size; left > 0; left -= buffer.Length)
        {
            for (var i = 0; i < words.Length; i++)
            {
                state ^= state >> 12;
                state ^= state << 25;
                state ^= state >> 27;
                words[i] = state * 0x2545F4914F6CDD1DUL;
            }

            stream.Write(buffer, 0, (int)Math.Min(left, buffer.Length));
        }
    }
}
