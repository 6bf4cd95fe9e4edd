using Mesh.Proto;

namespace Mesh.Chunking.Tests;

public sealed class ManifestBuilderTests
{
    private const int BlockSize = 300_000;

    public static TheoryData<int> Sizes() =>
    [
        0, 1, 16 * 1024 - 1, 32 * 1024 - 1, BlockSize - 1, BlockSize, BlockSize + 1, 3 * BlockSize, (3 * BlockSize) + 17,
        262_144 * 4, 5_000_000,
    ];

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Pipeline_equals_the_single_thread_build(int size)
    {
        // A small block size puts many block seams (and carried tails) into a few MB of input.
        var data = TestData.Random(size, (ulong)size + 1);
        var expected = ManifestBuilder.Build(data, ChunkerParameters.Default);
        var actual = await ManifestPipeline.RunAsync(new PieceStream(data, 70_000, 9), ChunkerParameters.Default, BlockSize, CancellationToken.None);
        Assert.Equal(expected, actual);
        ManifestValidator.Validate(actual);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task File_pipeline_with_positional_reads_equals_the_single_thread_build(int size)
    {
        var data = TestData.Random(size, (ulong)size + 2);
        Assert.Equal(ManifestBuilder.Build(data, ChunkerParameters.Default), await BuildFromFileAsync(data, BlockSize));
    }

    [Fact]
    public async Task Blocks_whose_guessed_cuts_never_meet_the_true_ones_are_redone_in_order()
    {
        // Constant bytes are cut every MaxSize from wherever a chunk starts, so a block chunked from
        // its first byte stays out of phase with the true cuts to its end (300 000 is no multiple of 256 KiB).
        var data = new byte[3_000_000];
        Assert.Equal(ManifestBuilder.Build(data, ChunkerParameters.Default), await BuildFromStreamAsync(data, BlockSize));
        Assert.Equal(ManifestBuilder.Build(data, ChunkerParameters.Default), await BuildFromFileAsync(data, BlockSize));
    }

    [Fact]
    public async Task A_seam_that_falls_exactly_on_a_true_cut_keeps_the_first_guessed_chunk_with_its_hash()
    {
        // Constant bytes with blocks of exactly 2 x MaxSize: every seam is a true cut, so each block's
        // first guessed chunk (otherwise skipped by the hashing) is kept and must be hashed.
        var blockSize = 2 * ChunkerParameters.Default.MaxSize;
        var data = new byte[(5 * blockSize) + 1000];
        data.AsSpan(blockSize, 4 * blockSize).Fill(0x5A);
        Assert.Equal(ManifestBuilder.Build(data, ChunkerParameters.Default), await BuildFromStreamAsync(data, blockSize));
        Assert.Equal(ManifestBuilder.Build(data, ChunkerParameters.Default), await BuildFromFileAsync(data, blockSize));
    }

    [Fact]
    public async Task Mixed_random_and_constant_regions_give_the_single_thread_manifest()
    {
        var data = TestData.Random(6_000_000, 40);
        data.AsSpan(1_000_000, 1_700_000).Clear();
        data.AsSpan(4_100_000, 333_333).Fill(7);
        Assert.Equal(ManifestBuilder.Build(data, ChunkerParameters.Default), await BuildFromStreamAsync(data, BlockSize));
        Assert.Equal(ManifestBuilder.Build(data, ChunkerParameters.Default), await BuildFromFileAsync(data, BlockSize));
    }

    [Fact]
    public async Task Chunks_are_the_sha256_hashes_of_the_content_defined_pieces_in_order()
    {
        var data = TestData.Random(9 * 1024 * 1024, 31);
        var manifest = await ManifestBuilder.BuildAsync(new MemoryStream(data), ChunkerParameters.Default, CancellationToken.None);

        Assert.Equal((ulong)data.Length, manifest.Size);
        Assert.Equal(ChunkerParameters.Default.Id, manifest.ChunkerId);
        Assert.Equal(Chunker.ChunkLengths(data, ChunkerParameters.Default), manifest.Chunks.Select(c => (int)c.Length));
        var offset = 0;
        foreach (var chunk in manifest.Chunks)
        {
            Assert.Equal(ChunkHash.Compute(data.AsSpan(offset, (int)chunk.Length)).ToArray(), chunk.Hash.ToByteArray());
            offset += (int)chunk.Length;
        }
    }

    [Fact]
    public async Task A_file_handle_built_in_parallel_blocks_equals_the_single_thread_build_and_keeps_the_handle_usable()
    {
        // The scanner hashes large files through an open handle (positional reads on every core).
        var data = TestData.Random(9_000_000, 33);
        var path = Path.Combine(Path.GetTempPath(), $"mesh-chunk-{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(path, data);
        try
        {
            using var handle = File.OpenHandle(path);
            var manifest = await ManifestBuilder.BuildAsync(handle, ChunkerParameters.Default, CancellationToken.None);
            Assert.Equal(ManifestBuilder.Build(data, ChunkerParameters.Default), manifest);
            Assert.Equal(data.Length, RandomAccess.GetLength(handle));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task File_path_build_uses_the_default_parameters()
    {
        var data = TestData.Random(2_500_000, 32);
        var path = Path.Combine(Path.GetTempPath(), $"mesh-chunk-{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(path, data);
        try
        {
            var manifest = await ManifestBuilder.BuildAsync(path, CancellationToken.None);
            Assert.Equal(ManifestBuilder.Build(data, ChunkerParameters.Default), manifest);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(4 * 1024 * 1024)]
    [InlineData(600_000)]
    public async Task File_path_build_with_a_chosen_block_size_equals_the_single_thread_build(int blockSize)
    {
        // `mesh manifest` builds with larger blocks than the daemon; the manifest must not depend on it.
        var data = TestData.Random(9_500_000, 35);
        var path = Path.Combine(Path.GetTempPath(), $"mesh-chunk-{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(path, data);
        try
        {
            var manifest = await ManifestBuilder.BuildAsync(path, ChunkerParameters.Default, blockSize, CancellationToken.None);
            Assert.Equal(ManifestBuilder.Build(data, ChunkerParameters.Default), manifest);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task File_path_build_refuses_a_block_size_below_one(int blockSize)
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ManifestBuilder.BuildAsync("unused", ChunkerParameters.Default, blockSize, CancellationToken.None));
    }

    [Fact]
    public async Task Empty_input_has_no_chunks_and_a_valid_manifest()
    {
        var manifest = await ManifestBuilder.BuildAsync(new MemoryStream(), ChunkerParameters.Default, CancellationToken.None);
        Assert.Empty(manifest.Chunks);
        Assert.Equal(0UL, manifest.Size);
        Assert.Equal(32, manifest.FileHash.Length);
        ManifestValidator.Validate(manifest);
    }

    [Fact]
    public async Task File_hash_changes_with_content_and_with_parameter_set()
    {
        var data = TestData.Random(1_000_000, 33);
        var a = ManifestBuilder.Build(data, ChunkerParameters.FromId(1));
        var b = ManifestBuilder.Build(data, ChunkerParameters.FromId(2));
        data[999_999] ^= 0x80;
        var c = await ManifestBuilder.BuildAsync(new MemoryStream(data), ChunkerParameters.FromId(1), CancellationToken.None);
        Assert.NotEqual(a.FileHash, b.FileHash);
        Assert.NotEqual(a.FileHash, c.FileHash);
    }

    [Fact]
    public async Task A_file_that_reports_no_length_is_read_to_its_end()
    {
        // /proc files report size 0 but have content; blocks planned from the length would read nothing.
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var content = await File.ReadAllBytesAsync("/proc/version");
        var manifest = await ManifestBuilder.BuildAsync("/proc/version", CancellationToken.None);
        Assert.NotEmpty(content);
        Assert.Equal(ManifestBuilder.Build(content, ChunkerParameters.Default), manifest);
    }

    [Fact]
    public async Task Missing_file_throws_file_not_found()
    {
        await Assert.ThrowsAsync<FileNotFoundException>(() => ManifestBuilder.BuildAsync(Path.Combine(Path.GetTempPath(), "mesh-no-such-file-" + Guid.NewGuid().ToString("N")), CancellationToken.None));
    }

    [Fact]
    public async Task Cancellation_stops_the_build()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ManifestBuilder.BuildAsync(new MemoryStream(TestData.Random(10_000_000, 1)), ChunkerParameters.Default, cancelled.Token));
    }

    [Fact]
    public async Task Manifest_survives_protobuf_round_trip()
    {
        var manifest = await ManifestBuilder.BuildAsync(new MemoryStream(TestData.Random(700_000, 34)), ChunkerParameters.Default, CancellationToken.None);
        var parsed = FileManifest.Parser.ParseFrom(Google.Protobuf.MessageExtensions.ToByteArray(manifest));
        Assert.Equal(manifest, parsed);
        ManifestValidator.Validate(parsed);
    }

    private static Task<FileManifest> BuildFromStreamAsync(byte[] data, int blockSize) =>
        ManifestPipeline.RunAsync(new MemoryStream(data, writable: false), ChunkerParameters.Default, blockSize, CancellationToken.None);

    private static async Task<FileManifest> BuildFromFileAsync(byte[] data, int blockSize)
    {
        var path = Path.Combine(Path.GetTempPath(), $"mesh-chunk-{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(path, data);
        try
        {
            using var file = File.OpenHandle(path);
            var manifest = await ManifestPipeline.RunAsync(file, ChunkerParameters.Default, blockSize, CancellationToken.None);
            ManifestValidator.Validate(manifest);
            return manifest;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
