using System.Buffers;
using System.Runtime.CompilerServices;

namespace Mesh.Transport.Sctp;

/// <summary>One DATA fragment on the send side, from queueing until acknowledged; pooled with its buffer.</summary>
internal sealed class OutboundChunk
{
    public byte[] Buffer { get; private set; } = [];

    public int Length { get; private set; }

    public ushort StreamId { get; private set; }

    public ushort Ssn { get; private set; }

    public uint Ppid { get; private set; }

    public byte Flags { get; private set; }

    public uint Tsn { get; set; }

    /// <summary>How often it was sent.</summary>
    public int Transmissions { get; set; }

    /// <summary>Counted in the flight size (sent, not acknowledged, not marked for retransmission).</summary>
    public bool InFlight { get; set; }

    /// <summary>Acknowledged by a gap block.</summary>
    public bool Acked { get; set; }

    /// <summary>Marked for retransmission.</summary>
    public bool Retransmit { get; set; }

    /// <summary>Already fast-retransmitted once (RFC 9260 allows one fast retransmission per chunk).</summary>
    public bool FastRetransmitted { get; set; }

    /// <summary>Miss indications from SACKs.</summary>
    public int Misses { get; set; }

    public ReadOnlySpan<byte> Data => Buffer.AsSpan(0, Length);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Fill(ushort stream, ushort ssn, uint ppid, byte flags, ReadOnlySpan<byte> data)
    {
        Buffer = ArrayPool<byte>.Shared.Rent(data.Length);
        data.CopyTo(Buffer);
        Length = data.Length;
        StreamId = stream;
        Ssn = ssn;
        Ppid = ppid;
        Flags = flags;
        Tsn = 0;
        Transmissions = 0;
        InFlight = Acked = Retransmit = FastRetransmitted = false;
        Misses = 0;
    }

    public void Release()
    {
        if (Buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(Buffer);
        }

        Buffer = [];
        Length = 0;
    }
}
