using System.CommandLine;
using System.Text.Json;
using Mesh.Chunking;
using Mesh.Peer.Cli;

namespace Mesh.Peer.Tests.Cli;

public sealed class ManifestCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mesh-manifest-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Json_output_parses_and_adds_up_to_the_file()
    {
        var data = RandomBytes(3_000_000, 1);
        var path = Write("data.bin", data);

        var (code, output, error) = await RunAsync("manifest", path, "--json");

        Assert.Equal(0, code);
        Assert.Empty(error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(data.Length, root.GetProperty("size").GetInt64());
        Assert.Equal(ChunkerParameters.Default.Id, root.GetProperty("chunkerId").GetUInt32());
        long offset = 0;
        foreach (var chunk in root.GetProperty("chunks").EnumerateArray())
        {
            Assert.Equal(offset, chunk.GetProperty("offset").GetInt64());
            var length = chunk.GetProperty("length").GetInt32();
            Assert.Equal(ChunkHash.Compute(data.AsSpan((int)offset, length)).ToString(), chunk.GetProperty("hash").GetString());
            offset += length;
        }

        Assert.Equal(data.Length, offset);
        var expected = ManifestBuilder.Build(data, ChunkerParameters.Default);
        Assert.Equal(Convert.ToHexStringLower(expected.FileHash.Span), root.GetProperty("fileHash").GetString());
        Assert.Equal(expected.Chunks.Count, root.GetProperty("chunks").GetArrayLength());
    }

    [Fact]
    public async Task Table_output_lists_every_chunk_with_offset_length_and_hash()
    {
        var data = RandomBytes(1_000_000, 2);
        var expected = ManifestBuilder.Build(data, ChunkerParameters.Default);

        var (code, output, _) = await RunAsync("manifest", Write("t.bin", data));

        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, line => line.StartsWith("size", StringComparison.Ordinal) && line.EndsWith(" 1000000", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains(Convert.ToHexStringLower(expected.FileHash.Span), StringComparison.Ordinal));
        var rows = lines.SkipWhile(line => !line.TrimStart().StartsWith("index", StringComparison.Ordinal)).Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(expected.Chunks.Count, rows.Count);
        long offset = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal([i.ToString(), offset.ToString(), expected.Chunks[i].Length.ToString(), Convert.ToHexStringLower(expected.Chunks[i].Hash.Span)], rows[i]);
            offset += expected.Chunks[i].Length;
        }
    }

    [Fact]
    public async Task An_edit_in_the_middle_changes_only_nearby_chunks()
    {
        var data = RandomBytes(6_000_000, 3);
        var path = Write("edit.bin", data);
        var before = await ChunksAsync(path);

        var position = 3_100_000;
        var edited = data[..position].Concat(RandomBytes(25, 4)).Concat(data[position..]).ToArray();
        await File.WriteAllBytesAsync(path, edited);
        var after = await ChunksAsync(path);

        var old = before.Select(chunk => chunk.Hash).ToHashSet();
        var changed = after.Where(chunk => !old.Contains(chunk.Hash)).ToList();
        Assert.InRange(changed.Count, 1, 2);
        var maxSize = ChunkerParameters.Default.MaxSize;
        Assert.All(changed, chunk => Assert.InRange(position, chunk.Offset - maxSize, chunk.Offset + chunk.Length + maxSize));
        Assert.Equal(before.TakeWhile(chunk => chunk.Offset + chunk.Length <= position), after.TakeWhile(chunk => chunk.Offset + chunk.Length <= position));
    }

    [Fact]
    public async Task Chunker_option_selects_the_parameter_set()
    {
        var data = RandomBytes(2_000_000, 5);
        var (code, output, _) = await RunAsync("manifest", Write("p.bin", data), "--json", "--chunker", "3");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(3u, json.RootElement.GetProperty("chunkerId").GetUInt32());
        Assert.Equal(ManifestBuilder.Build(data, ChunkerParameters.FromId(3)).Chunks.Count, json.RootElement.GetProperty("chunks").GetArrayLength());
    }

    [Fact]
    public async Task Unknown_chunker_id_is_a_usage_error()
    {
        var (code, output, error) = await RunAsync("manifest", Write("q.bin", [1]), "--chunker", "77");
        Assert.NotEqual(0, code);
        Assert.Contains("unknown chunker parameter set id 77", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_file_has_size_zero_and_no_chunks()
    {
        var (code, output, _) = await RunAsync("manifest", Write("empty", []), "--json");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(0, json.RootElement.GetProperty("size").GetInt64());
        Assert.Equal(0, json.RootElement.GetProperty("chunks").GetArrayLength());
    }

    [Fact]
    public async Task Missing_file_is_a_one_line_error_and_exit_code_1()
    {
        var (code, output, error) = await RunAsync("manifest", Path.Combine(_folder, "absent.bin"));
        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Equal(["mesh manifest: " + Path.Combine(_folder, "absent.bin") + ": no such file"], error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Directory_is_a_one_line_error_and_exit_code_1()
    {
        var (code, output, error) = await RunAsync("manifest", _folder, "--json");
        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("is a directory", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Path_through_a_file_is_a_one_line_error()
    {
        var file = Write("plain", [1, 2, 3]);
        var (code, _, error) = await RunAsync("manifest", Path.Combine(file, "below"));
        Assert.Equal(1, code);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("mesh manifest: ", error, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Unreadable_file_is_a_one_line_error()
    {
        Skip.If(Environment.UserName == "root", "root reads files whatever their mode");
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "file modes are Unix only");
        var path = Write("secret", [1, 2, 3]);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.None);
        }

        var (code, _, error) = await RunAsync("manifest", path);
        Assert.Equal(1, code);
        Assert.Equal(["mesh manifest: " + path + ": permission denied"], error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [SkippableFact]
    public async Task Read_error_is_a_one_line_error()
    {
        // Even root cannot read page 0 of its own address space: read() fails with EIO.
        Skip.IfNot(OperatingSystem.IsLinux(), "/proc/self/mem is Linux only");
        var (code, output, error) = await RunAsync("manifest", "/proc/self/mem");
        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("mesh manifest: /proc/self/mem: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_argument_is_a_usage_error()
    {
        var (code, output, error) = await RunAsync("manifest");
        Assert.NotEqual(0, code);
        Assert.Contains("manifest", output + error, StringComparison.Ordinal);
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var root = new RootCommand("test") { new ManifestCommand().Create() };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    private async Task<List<(long Offset, int Length, string Hash)>> ChunksAsync(string path)
    {
        var (code, output, _) = await RunAsync("manifest", path, "--json");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        return [.. json.RootElement.GetProperty("chunks").EnumerateArray()
            .Select(chunk => (chunk.GetProperty("offset").GetInt64(), chunk.GetProperty("length").GetInt32(), chunk.GetProperty("hash").GetString()!))];
    }

    private string Write(string name, byte[] data)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, data);
        return path;
    }
}
