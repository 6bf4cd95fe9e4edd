using System.Buffers.Binary;

namespace Mesh.Chunking.Tests;

/// <summary>
/// Pinned outputs of the wire format. If one of these fails, the Gear table, a parameter set, the
/// cut rule or a hash changed: peers running the old code would no longer share chunks, so such a
/// change needs a new parameter-set id, never an edit of these numbers.
/// </summary>
public sealed class GoldenVectorTests
{
    private const ulong InputSeed = 2026;
    private static readonly byte[] Input = TestData.Random(4 * 1024 * 1024, InputSeed);

    /// <summary>An input on which set 1 cuts chunks shorter than 32 KiB, so sets 1 and 4 differ.</summary>
    private static readonly byte[] SecondInput = TestData.Random(4 * 1024 * 1024, InputSeed + 1);

    private static readonly int[] Set1Boundaries =
    [
        77909, 77173, 84770, 87514, 67240, 73964, 80940, 103504, 111336, 68470, 68214, 66702, 75200, 71958,
        68848, 44405, 70633, 53828, 86810, 83952, 70842, 40250, 81064, 81079, 91113, 95809, 66671, 69914,
        104428, 69023, 73363, 69412, 91616, 97771, 68427, 41429, 115713, 72567, 84360, 69629, 106879, 96390,
        103691, 96392, 75499, 84516, 64971, 78648, 71440, 92717, 74807, 71881, 66216, 32407,
    ];

    [Fact]
    public void Gear_table_is_pinned()
    {
        Assert.Equal(
            [0x2B6355049616A9CCUL, 0x8D1E01035D885FADUL, 0xF4360D06302A14A0UL, 0x697767EAC8CF8579UL],
            GearTable.Values.Take(4));
        Assert.Equal(0x52219DC46B9EE0ACUL, GearTable.Values[255]);

        var bytes = new byte[256 * 8];
        for (var i = 0; i < 256; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), GearTable.Values[i]);
        }

        Assert.Equal("65b9d01d80131cf02f3ca2a758da49610d9a3ac4be0c1034880c21c7a69f6195", ChunkHash.Compute(bytes).ToString());
    }

    [Fact]
    public void Parameter_set_1_cuts_pinned_boundaries() =>
        Assert.Equal(Set1Boundaries, Chunker.ChunkLengths(Input, ChunkerParameters.FromId(1)));

    [Fact]
    public void Parameter_set_2_cuts_pinned_boundaries()
    {
        int[] expected =
        [
            155082, 215553, 211864, 181851, 136684, 174155, 132033, 145386, 217238, 145680, 143030, 143043, 174199,
            117765, 202692, 239326, 178212, 198518, 175773, 193118, 177695, 47291, 173568, 165448, 149100,
        ];
        Assert.Equal(expected, Chunker.ChunkLengths(Input, ChunkerParameters.FromId(2)));
    }

    [Fact]
    public void Parameter_set_3_cuts_pinned_boundaries()
    {
        int[] expected = [402154, 374485, 298550, 152958, 124461, 262614, 386377, 291964, 442018, 552503, 370813, 386307, 149100];
        Assert.Equal(expected, Chunker.ChunkLengths(Input, ChunkerParameters.FromId(3)));
    }

    [Fact]
    public void Parameter_set_4_cuts_pinned_boundaries()
    {
        // On this input set 1 never cuts below 32 KiB, so set 4 (the same sizes but the minimum)
        // cuts it exactly as set 1 does; the input below is where the two differ.
        Assert.Equal(Set1Boundaries, Chunker.ChunkLengths(Input, ChunkerParameters.FromId(4)));
    }

    [Fact]
    public void Parameter_set_4_cuts_pinned_boundaries_where_set_1_cuts_below_32_KiB()
    {
        // Set 1 cuts this input at 25664, 24147, 28883, 29024 and 29456 bytes; set 4 must skip those.
        int[] expected =
        [
            80876, 68136, 78541, 71540, 67240, 70835, 95734, 66117, 80184, 73770, 52519, 77510, 90836, 85180,
            71688, 72538, 65997, 79548, 84792, 61984, 82470, 67242, 93907, 78609, 87509, 82458, 96881, 73247,
            105031, 68696, 68065, 91789, 68563, 91569, 100295, 70611, 92484, 118449, 91420, 83579, 65969, 71396,
            75764, 75033, 70069, 69737, 87018, 72970, 93691, 65588, 62190, 83450, 80899, 12091,
        ];
        Assert.Equal(expected, Chunker.ChunkLengths(SecondInput, ChunkerParameters.FromId(4)));
    }

    [Theory]
    [InlineData(1u, "e0d0fb3f6bdf3d0bad99b746faa92ccd4abdaa257644092e972acb4b8073400e", "dd9b85cb3ffb0d8311d6f8306d679bb443063e1510631f41dc2968acd752cfc0", "745d17fd9539cfe181d05f29b4344843d5dd4617bbeac706c8e951e52abde5ab")]
    [InlineData(2u, "bb2c1af026553909ec9a64d24c45e854edf8a6f4755b3319874d2f6dcfb28779", "340ce664471f9eebd68929b60d4394425689bde71f3a61bb1ad39c5e2dacb573", "e2f56323eb10e3640eb3ed79db445350982da41e72ff9ac148a020bef3e4de33")]
    [InlineData(3u, "9ab3c89f9cd55fbc384f4144aeed73beeaa145f33d3955de9a6b273ab30fddd3", "340ce664471f9eebd68929b60d4394425689bde71f3a61bb1ad39c5e2dacb573", "dd735b440c614e4ce9cc9dc721dffb8de3e61a7243d3fc1414d59d08ca3ba4e8")]
    [InlineData(4u, "e0d0fb3f6bdf3d0bad99b746faa92ccd4abdaa257644092e972acb4b8073400e", "dd9b85cb3ffb0d8311d6f8306d679bb443063e1510631f41dc2968acd752cfc0", "2e82e1d48f2fb15504829a81a0f537bad31dcf118c3fb59c4ec2ae02f0bedaed")]
    public async Task Manifest_hashes_are_pinned(uint id, string firstChunk, string lastChunk, string file)
    {
        await AssertHashesAsync(Input, id, firstChunk, lastChunk, file);
    }

    [Fact]
    public async Task Set_4_manifest_hashes_are_pinned_where_set_1_cuts_below_32_KiB()
    {
        await AssertHashesAsync(
            SecondInput,
            4,
            "25edd62bebeaa6bebc5feb478e3b6de10e4f6f7b366c75dd88111520be098580",
            "9a742d61b42bea412b19f60d34c8716c74749c4d32a3b2cb9921aefa16df2208",
            "4a8eb5e3e62f9578b77fe04b00959f7854da9fdcfdb8057e18842fed0d272a14");
    }

    private static async Task AssertHashesAsync(byte[] input, uint id, string firstChunk, string lastChunk, string file)
    {
        var manifest = await ManifestBuilder.BuildAsync(new MemoryStream(input), ChunkerParameters.FromId(id), CancellationToken.None);
        Assert.Equal(firstChunk, Convert.ToHexStringLower(manifest.Chunks[0].Hash.Span));
        Assert.Equal(lastChunk, Convert.ToHexStringLower(manifest.Chunks[^1].Hash.Span));
        Assert.Equal(file, Convert.ToHexStringLower(manifest.FileHash.Span));
    }
}
