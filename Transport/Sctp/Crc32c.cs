using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Mesh.Transport.Sctp;

/// <summary>
/// CRC32c (Castagnoli), the SCTP checksum (RFC 9260 appendix A). System.IO.Hashing has CRC-32 and
/// CRC-64 but not this polynomial, so it is computed here with the CPU's CRC32 instruction (SSE 4.2 on
/// x86, the CRC extension on Arm), and with a table where neither exists.
/// </summary>
public static class Crc32c
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC of <paramref name="data"/> (initial value all ones, final complement).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(uint.MaxValue, data);

    /// <summary>Continues a CRC over more data; the state starts at all ones and is complemented at the end.</summary>
    // Every packet goes through this loop twice (sent and received); left to tiered compilation it runs
    // unoptimised and then instrumented for thousands of packets first (seen in perf profiles).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        if (Sse42.X64.IsSupported)
        {
            ulong wide = crc;
            while (data.Length >= 8)
            {
                wide = Sse42.X64.Crc32(wide, System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }

            crc = (uint)wide;
            foreach (var b in data)
            {
                crc = Sse42.Crc32(crc, b);
            }

            return crc;
        }

        if (Crc32.Arm64.IsSupported)
        {
            while (data.Length >= 8)
            {
                crc = Crc32.Arm64.ComputeCrc32C(crc, System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }

            foreach (var b in data)
            {
                crc = Crc32.ComputeCrc32C(crc, b);
            }

            return crc;
        }

        return UpdateSoftware(crc, data);
    }

    /// <summary>The table-driven form, kept callable so tests can compare it with the instruction.</summary>
    public static uint UpdateSoftware(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] BuildTable()
    {
        const uint Reflected = 0x82F63B78;
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? Reflected ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
