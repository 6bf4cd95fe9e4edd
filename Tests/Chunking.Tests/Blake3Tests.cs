namespace Mesh.Chunking.Tests;

public sealed class Blake3Tests
{
    /// <summary>
    /// The first 32 bytes of the "hash" outputs of the official BLAKE3 test vectors
    /// (test_vectors/test_vectors.json in the BLAKE3 repository; input byte i is i mod 251).
    /// </summary>
    public static TheoryData<int, string> OfficialVectors => new()
    {
        { 0, "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262" },
        { 1, "2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213" },
        { 1023, "10108970eeda3eb932baac1428c7a2163b0e924c9a9e25b35bba72b28f70bd11" },
        { 1024, "42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7" },
        { 1025, "d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444" },
        { 2048, "e776b6028c7cd22a4d0ba182a8bf62205d2ef576467e838ed6f2529b85fba24a" },
        { 2049, "5f4d72f40d7a5f82b15ca2b2e44b1de3c2ef86c426c95c1af0b6879522563030" },
        { 3072, "b98cb0ff3623be03326b373de6b9095218513e64f1ee2edd2525c7ad1e5cffd2" },
        { 3073, "7124b49501012f81cc7f11ca069ec9226cecb8a2c850cfe644e327d22d3e1cd3" },
        { 4096, "015094013f57a5277b59d8475c0501042c0b642e531b0a1c8f58d2163229e969" },
        { 4097, "9b4052b38f1c5fc8b1f9ff7ac7b27cd242487b3d890d15c96a1c25b8aa0fb995" },
        { 5120, "9cadc15fed8b5d854562b26a9536d9707cadeda9b143978f319ab34230535833" },
        { 5121, "628bd2cb2004694adaab7bbd778a25df25c47b9d4155a55f8fbd79f2fe154cff" },
        { 6144, "3e2e5b74e048f3add6d21faab3f83aa44d3b2278afb83b80b3c35164ebeca205" },
        { 6145, "f1323a8631446cc50536a9f705ee5cb619424d46887f3c376c695b70e0f0507f" },
        { 7168, "61da957ec2499a95d6b8023e2b0e604ec7f6b50e80a9678b89d2628e99ada77a" },
        { 7169, "a003fc7a51754a9b3c7fae0367ab3d782dccf28855a03d435f8cfe74605e7817" },
        { 8192, "aae792484c8efe4f19e2ca7d371d8c467ffb10748d8a5a1ae579948f718a2a63" },
        { 8193, "bab6c09cb8ce8cf459261398d2e7aef35700bf488116ceb94a36d0f5f1b7bc3b" },
        { 16384, "f875d6646de28985646f34ee13be9a576fd515f76b5b0a26bb324735041ddde4" },
        { 31744, "62b6960e1a44bcc1eb1a611a8d6235b6b4b78f32e7abc4fb4c6cdcce94895c47" },
        { 102400, "bc3e3d41a1146b069abffad3c0d44860cf664390afce4d9661f7902e7943e085" },
    };

    [Theory]
    [MemberData(nameof(OfficialVectors))]
    public void Hash_equals_the_official_test_vector(int length, string expectedHex)
    {
        var input = OfficialInput(length);
        Assert.Equal(expectedHex, HexOf(input, useSimd: true));
        Assert.Equal(expectedHex, HexOf(input, useSimd: false));
    }

    [Fact]
    public void Random_lengths_up_to_300_KiB_equal_the_Blake3_package()
    {
        // Lengths around every chunk-count residue and tree shape, plus random ones; the package is an
        // independent implementation, used only here.
        var random = new Random(20261128);
        var data = TestData.Random(300 * 1024 + 1, 11);
        var lengths = Enumerable.Range(0, 40).Select(i => i * 1024 - 1).Where(l => l >= 0)
            .Concat(Enumerable.Range(0, 40).Select(i => i * 1024))
            .Concat(Enumerable.Range(0, 40).Select(i => i * 1024 + 1))
            .Concat(Enumerable.Range(0, 300).Select(_ => random.Next(0, (300 * 1024) + 1)))
            .Append(300 * 1024)
            .Append(256 * 1024 + 1);
        var expected = new byte[32];
        var actual = new byte[32];
        foreach (var length in lengths)
        {
            var input = data.AsSpan(0, length);
            global::Blake3.Hasher.Hash(input, expected);
            Blake3.Hash(input, actual);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"length {length}");
        }
    }

    [SkippableFact]
    public void Scalar_path_equals_the_simd_path()
    {
        Skip.IfNot(Blake3Avx2.IsSupported, "no AVX2 on this CPU");
        var data = TestData.Random(2 * 1024 * 1024 + 3, 12);
        var random = new Random(7);
        var lengths = new[] { 0, 1, 64, 65, 1024, 3 * 1024, 8 * 1024, 9 * 1024 + 5, 16 * 1024, 1024 * 1024, (1024 * 1024) + 1, data.Length }
            .Concat(Enumerable.Range(0, 200).Select(_ => random.Next(0, 300 * 1024)));
        foreach (var length in lengths)
        {
            var input = data.AsSpan(0, length);
            Assert.True(HexOf(input, useSimd: true) == HexOf(input, useSimd: false), $"length {length}");
        }
    }

    [Fact]
    public void Inputs_above_the_stack_limit_equal_the_package()
    {
        // Above 1 MiB the chaining values live in a pooled array instead of on the stack.
        var data = TestData.Random((3 * 1024 * 1024) + 777, 13);
        var expected = new byte[32];
        var actual = new byte[32];
        global::Blake3.Hasher.Hash(data, expected);
        Blake3.Hash(data, actual);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Writes_exactly_32_bytes_and_rejects_a_short_destination()
    {
        var destination = new byte[40];
        Blake3.Hash("abc"u8, destination);
        Assert.All(destination[32..], b => Assert.Equal(0, b));
        Assert.Throws<ArgumentException>(() => Blake3.Hash("abc"u8, new byte[31]));
    }

    private static byte[] OfficialInput(int length) => Enumerable.Range(0, length).Select(i => (byte)(i % 251)).ToArray();

    private static string HexOf(ReadOnlySpan<byte> input, bool useSimd)
    {
        Span<byte> hash = stackalloc byte[32];
        Blake3.Hash(input, hash, useSimd);
        return Convert.ToHexStringLower(hash);
    }
}
