using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Mesh.Benchmarks.Chunking;

/// <summary>
/// Prototype, measured and not adopted (docs/chunking.md, "Multi-buffer SHA-256"): SHA-256 of eight
/// independent inputs at once, one per 32-bit lane of <see cref="Vector256{T}"/> (AVX2), with lane
/// refill (a lane that finishes its input takes the next one). Digests equal
/// <see cref="System.Security.Cryptography.SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/>; the
/// benchmark checks that before it measures.
/// </summary>
internal static unsafe class MultiBufferSha256
{
    private const int Lanes = 8;

    private static readonly uint[] InitialState =
    [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ];

    private static readonly uint[] RoundConstants =
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    /// <summary>Whether this CPU runs the eight-lane code.</summary>
    public static bool IsSupported => Avx2.IsSupported;

    /// <summary>Hashes <paramref name="data"/>[offset, offset + length) of every chunk into <paramref name="hashes"/> (32 bytes each, in order).</summary>
    public static void HashChunks(ReadOnlySpan<byte> data, ReadOnlySpan<(int Offset, int Length)> chunks, Span<byte> hashes)
    {
        if (hashes.Length < chunks.Length * 32)
        {
            throw new ArgumentException("hashes too short", nameof(hashes));
        }

        var state = stackalloc Vector256<uint>[8];
        var blocks = stackalloc byte*[Lanes];
        var dataNext = stackalloc byte*[Lanes];
        var dataBlocksLeft = stackalloc int[Lanes];
        var padBlocksLeft = stackalloc int[Lanes];
        var padNext = stackalloc byte*[Lanes];
        var chunkOfLane = stackalloc int[Lanes];
        var padding = stackalloc byte[Lanes * 128];
        var idle = stackalloc byte[64];
        var next = 0;
        var active = 0;
        fixed (byte* basePointer = data)
        fixed (byte* hashPointer = hashes)
        {
            for (var lane = 0; lane < Lanes; lane++)
            {
                chunkOfLane[lane] = -1;
                if (next < chunks.Length)
                {
                    Start(lane, chunks[next].Offset, chunks[next].Length, basePointer, state, chunkOfLane, dataNext, dataBlocksLeft, padding, padBlocksLeft, padNext, next++);
                    active++;
                }
            }

            while (active > 0)
            {
                for (var lane = 0; lane < Lanes; lane++)
                {
                    blocks[lane] = chunkOfLane[lane] < 0 ? idle
                        : dataBlocksLeft[lane] > 0 ? dataNext[lane]
                        : padNext[lane];
                }

                Compress(state, blocks);

                for (var lane = 0; lane < Lanes; lane++)
                {
                    if (chunkOfLane[lane] < 0)
                    {
                        continue;
                    }

                    if (dataBlocksLeft[lane] > 0)
                    {
                        dataBlocksLeft[lane]--;
                        dataNext[lane] += 64;
                        continue;
                    }

                    padNext[lane] += 64;
                    if (--padBlocksLeft[lane] > 0)
                    {
                        continue;
                    }

                    var digest = hashPointer + (chunkOfLane[lane] * 32);
                    for (var word = 0; word < 8; word++)
                    {
                        BinaryPrimitives.WriteUInt32BigEndian(new Span<byte>(digest + (word * 4), 4), ((uint*)&state[word])[lane]);
                    }

                    chunkOfLane[lane] = -1;
                    active--;
                    if (next < chunks.Length)
                    {
                        Start(lane, chunks[next].Offset, chunks[next].Length, basePointer, state, chunkOfLane, dataNext, dataBlocksLeft, padding, padBlocksLeft, padNext, next++);
                        active++;
                    }
                }
            }
        }
    }

    private static void Start(int lane, int offset, int length, byte* basePointer, Vector256<uint>* state, int* chunkOfLane, byte** dataNext, int* dataBlocksLeft, byte* padding, int* padBlocksLeft, byte** padNext, int chunk)
    {
        chunkOfLane[lane] = chunk;
        dataNext[lane] = basePointer + offset;
        dataBlocksLeft[lane] = length / 64;
        var tail = length % 64;
        var pad = padding + (lane * 128);
        new Span<byte>(pad, 128).Clear();
        new ReadOnlySpan<byte>(basePointer + offset + length - tail, tail).CopyTo(new Span<byte>(pad, 128));
        pad[tail] = 0x80;
        var padBlocks = tail + 9 <= 64 ? 1 : 2;
        BinaryPrimitives.WriteUInt64BigEndian(new Span<byte>(pad + (padBlocks * 64) - 8, 8), (ulong)length * 8);
        padBlocksLeft[lane] = padBlocks;
        padNext[lane] = pad;
        for (var word = 0; word < 8; word++)
        {
            ((uint*)&state[word])[lane] = InitialState[word];
        }
    }

    /// <summary>One compression of eight 64-byte blocks, one per lane, into <paramref name="state"/> (a..h, lane-wise).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compress(Vector256<uint>* state, byte** blocks)
    {
        var w = stackalloc Vector256<uint>[16];
        LoadTransposed(blocks, 0, w);
        LoadTransposed(blocks, 32, w + 8);

        var a = state[0];
        var b = state[1];
        var c = state[2];
        var d = state[3];
        var e = state[4];
        var f = state[5];
        var g = state[6];
        var h = state[7];
        fixed (uint* k = RoundConstants)
        {
            for (var t = 0; t < 16; t += 8)
            {
                Round(a, b, c, ref d, e, f, g, ref h, k[t], w[t]);
                Round(h, a, b, ref c, d, e, f, ref g, k[t + 1], w[t + 1]);
                Round(g, h, a, ref b, c, d, e, ref f, k[t + 2], w[t + 2]);
                Round(f, g, h, ref a, b, c, d, ref e, k[t + 3], w[t + 3]);
                Round(e, f, g, ref h, a, b, c, ref d, k[t + 4], w[t + 4]);
                Round(d, e, f, ref g, h, a, b, ref c, k[t + 5], w[t + 5]);
                Round(c, d, e, ref f, g, h, a, ref b, k[t + 6], w[t + 6]);
                Round(b, c, d, ref e, f, g, h, ref a, k[t + 7], w[t + 7]);
            }

            for (var t = 16; t < 64; t += 8)
            {
                Round(a, b, c, ref d, e, f, g, ref h, k[t], Schedule(w, t));
                Round(h, a, b, ref c, d, e, f, ref g, k[t + 1], Schedule(w, t + 1));
                Round(g, h, a, ref b, c, d, e, ref f, k[t + 2], Schedule(w, t + 2));
                Round(f, g, h, ref a, b, c, d, ref e, k[t + 3], Schedule(w, t + 3));
                Round(e, f, g, ref h, a, b, c, ref d, k[t + 4], Schedule(w, t + 4));
                Round(d, e, f, ref g, h, a, b, ref c, k[t + 5], Schedule(w, t + 5));
                Round(c, d, e, ref f, g, h, a, ref b, k[t + 6], Schedule(w, t + 6));
                Round(b, c, d, ref e, f, g, h, ref a, k[t + 7], Schedule(w, t + 7));
            }
        }

        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(Vector256<uint> a, Vector256<uint> b, Vector256<uint> c, ref Vector256<uint> d, Vector256<uint> e, Vector256<uint> f, Vector256<uint> g, ref Vector256<uint> h, uint k, Vector256<uint> w)
    {
        var sigma1 = Rotate(e, 6, 26) ^ Rotate(e, 11, 21) ^ Rotate(e, 25, 7);
        var choose = ((f ^ g) & e) ^ g;
        var t1 = h + sigma1 + choose + Vector256.Create(k) + w;
        var sigma0 = Rotate(a, 2, 30) ^ Rotate(a, 13, 19) ^ Rotate(a, 22, 10);
        var majority = ((a ^ b) & (b ^ c)) ^ b;
        d += t1;
        h = t1 + sigma0 + majority;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Schedule(Vector256<uint>* w, int t)
    {
        var w15 = w[(t - 15) & 15];
        var w2 = w[(t - 2) & 15];
        var s0 = Rotate(w15, 7, 25) ^ Rotate(w15, 18, 14) ^ Avx2.ShiftRightLogical(w15, 3);
        var s1 = Rotate(w2, 17, 15) ^ Rotate(w2, 19, 13) ^ Avx2.ShiftRightLogical(w2, 10);
        var value = w[t & 15] + s0 + w[(t - 7) & 15] + s1;
        w[t & 15] = value;
        return value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Rotate(Vector256<uint> x, [ConstantExpected] byte right, [ConstantExpected] byte left) =>
        Avx2.ShiftRightLogical(x, right) | Avx2.ShiftLeftLogical(x, left);

    /// <summary>Words <paramref name="offset"/>/4 … +7 of every lane's block, big-endian, as eight lane-wise vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LoadTransposed(byte** blocks, int offset, Vector256<uint>* destination)
    {
        var swap = Vector256.Create((byte)3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
        var r0 = Avx.LoadVector256(blocks[0] + offset).AsUInt32();
        var r1 = Avx.LoadVector256(blocks[1] + offset).AsUInt32();
        var r2 = Avx.LoadVector256(blocks[2] + offset).AsUInt32();
        var r3 = Avx.LoadVector256(blocks[3] + offset).AsUInt32();
        var r4 = Avx.LoadVector256(blocks[4] + offset).AsUInt32();
        var r5 = Avx.LoadVector256(blocks[5] + offset).AsUInt32();
        var r6 = Avx.LoadVector256(blocks[6] + offset).AsUInt32();
        var r7 = Avx.LoadVector256(blocks[7] + offset).AsUInt32();

        // Row i of the result holds word i of every lane (the product's BLAKE3 transpose), then each word
        // is made big-endian as SHA-256 reads it.
        Mesh.Chunking.Blake3Avx2.Transpose(r0, r1, r2, r3, r4, r5, r6, r7, destination);
        for (var i = 0; i < 8; i++)
        {
            destination[i] = Avx2.Shuffle(destination[i].AsByte(), swap).AsUInt32();
        }
    }
}
