namespace Mesh.Chunking;

/// <summary>
/// The 256-entry Gear table of the FastCDC rolling hash. It is part of the wire format, so it is
/// not random at run time: entry i is the (i+1)-th output of SplitMix64 started from
/// <see cref="Seed"/>. The golden-vector tests pin both the table and the boundaries it yields.
/// </summary>
internal static class GearTable
{
    /// <summary>The fixed SplitMix64 seed: the ASCII bytes of "MeshCDC1" read big-endian.</summary>
    internal const ulong Seed = 0x4D657368_43444331UL;

    /// <summary>The table; never written after construction.</summary>
    internal static readonly ulong[] Values = Generate();

    private static ulong[] Generate()
    {
        var values = new ulong[256];
        var state = Seed;
        for (var i = 0; i < values.Length; i++)
        {
            // SplitMix64 (Steele, Lea, Flood 2014): a fixed, well-mixed sequence from one 64-bit seed.
            state += 0x9E3779B97F4A7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            values[i] = z ^ (z >> 31);
        }

        return values;
    }
}
