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

        Assert.Equal("e564f2fc560fcf899f09953328f025800fe8a9458d8b6f0f1d413e59cbf89c70", ChunkHash.Compute(bytes).ToString());
    }

    [Fact]
    public void Parameter_set_1_cuts_pinned_boundaries()
    {
        int[] expected =
        [
            77909, 77173, 84770, 87514, 67240, 73964, 80940, 103504, 111336, 68470, 68214, 66702, 75200, 71958,
            68848, 44405, 70633, 53828, 86810, 83952, 70842, 40250, 81064, 81079, 91113, 95809, 66671, 69914,
            104428, 69023, 73363, 69412, 91616, 97771, 68427, 41429, 115713, 72567, 84360, 69629, 106879, 96390,
            103691, 96392, 75499, 84516, 64971, 78648, 71440, 92717, 74807, 71881, 66216, 32407,
        ];
        Assert.Equal(expected, Chunker.ChunkLengths(Input, ChunkerParameters.FromId(1)));
    }

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

    [Theory]
    [InlineData(1u, "5909488e6d851e9d56bfb47890d51a17e7752b612df0fce10ab62d946c4fa8ec", "79d994edb0ef9512dbe0c4efd38453d3e5f029947f753d9d6cfef6f4fd39dd50", "63795bc925e42d2e49fff0e9df1a7129e8effec9bd3e8e70d6cf487358d3cae3")]
    [InlineData(2u, "d11ffe410b11984b7088556eaee50c06bad8f79d85d51ad13b8da12e46bcc2f0", "8d580cb287e2971be1e3568a84964db6879da2ca4245eadf17f2a286f7fff09c", "4b2289d369ba56bb8ab2e3ccc879c996cb9ca2577783375153c925f7150231ea")]
    [InlineData(3u, "0b62a3264253227d2f64dba97477284e67cab994bc2bca89b12ec0af9c8aeb38", "8d580cb287e2971be1e3568a84964db6879da2ca4245eadf17f2a286f7fff09c", "a6322aa263f09a999e6f8f4699cbc4ede9c954d36eb4b2f91d72a8bd48455843")]
    public async Task Manifest_hashes_are_pinned(uint id, string firstChunk, string lastChunk, string file)
    {
        var manifest = await ManifestBuilder.BuildAsync(new MemoryStream(Input), ChunkerParameters.FromId(id), CancellationToken.None);
        Assert.Equal(firstChunk, Convert.ToHexStringLower(manifest.Chunks[0].Hash.Span));
        Assert.Equal(lastChunk, Convert.ToHexStringLower(manifest.Chunks[^1].Hash.Span));
        Assert.Equal(file, Convert.ToHexStringLower(manifest.FileHash.Span));
    }
}
