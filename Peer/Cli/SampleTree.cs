using System.Globalization;
using System.Text;

namespace Mesh.Peer.Cli;

/// <summary>
/// The sample tree <c>mesh demo</c> syncs: nested directories, an empty one, small text files and a few
/// larger binary ones, about <c>bytes</c> in all, from a seeded <see cref="Random"/> so runs compare.
/// </summary>
internal static class SampleTree
{
    /// <summary>The text file the demo edits after the first sync.</summary>
    public const string EditedFile = "docs/readme.txt";

    /// <summary>Writes the tree into <paramref name="root"/>; returns the number of files written.</summary>
    public static int Generate(string root, int files, long bytes, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        string[] directories = ["docs", "docs/notes", "photos/2024", "photos/2025", "music", "projects/mesh/src"];
        foreach (var directory in directories)
        {
            Directory.CreateDirectory(Path.Combine(root, directory));
        }

        Directory.CreateDirectory(Path.Combine(root, "empty"));
        File.WriteAllText(Path.Combine(root, EditedFile), "Mesh demo: this file is edited on alice and must arrive on bob.\n");
        var written = 1;
        var large = Math.Max(1, files / 10);
        var largeBytes = bytes * 3 / 4 / large;
        var smallBytes = Math.Max(1, (bytes - (largeBytes * large)) / Math.Max(1, files - large - 1));
        var buffer = new byte[64 * 1024];
        for (var i = 0; written < files; i++, written++)
        {
            var directory = directories[i % directories.Length];
            if (i < large)
            {
                var path = Path.Combine(root, directory, string.Create(CultureInfo.InvariantCulture, $"image-{i:D4}.bin"));
                using var stream = File.Create(path);
                var left = (long)(largeBytes * (0.5 + random.NextDouble()));
                while (left > 0)
                {
                    random.NextBytes(buffer);
                    var n = (int)Math.Min(buffer.Length, left);
                    stream.Write(buffer, 0, n);
                    left -= n;
                }
            }
            else
            {
                var path = Path.Combine(root, directory, string.Create(CultureInfo.InvariantCulture, $"note-{i:D4}.txt"));
                var text = new StringBuilder();
                var size = (long)(smallBytes * (0.5 + random.NextDouble()));
                while (text.Length < size)
                {
                    text.Append(CultureInfo.InvariantCulture, $"line {text.Length} of note {i}: {random.Next():x8}\n");
                }

                File.WriteAllText(path, text.ToString());
            }
        }

        return written;
    }
}
