namespace Mesh.Chunking.Tests;

/// <summary>Deterministic pseudo-random test input, so golden vectors never depend on a stored blob or on System.Random's algorithm.</summary>
internal static class TestData
{
    /// <summary>Fills a new buffer from SplitMix64 started at <paramref name="seed"/>, eight little-endian bytes per step.</summary>
    public static byte[] Random(int length, ulong seed)
    {
        var data = new byte[length];
        Fill(data, seed);
        return data;
    }

    public static void Fill(Span<byte> data, ulong seed)
    {
        var state = seed;
        var i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(data[i..], Next(ref state));
        }

        var last = Next(ref state);
        for (; i < data.Length; i++)
        {
            data[i] = (byte)last;
            last >>= 8;
        }
    }

    /// <summary>One SplitMix64 step; also used to spread small FsCheck seeds over large ranges.</summary>
    public static ulong Next(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        var z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
