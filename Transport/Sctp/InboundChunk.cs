using System.Buffers;
using System.Runtime.CompilerServices;
using Mesh.Transport.Sctp.Chunks;

namespace Mesh.Transport.Sctp;

/// <summary>One received DATA fragment waiting for the rest of its message; pooled with its buffer.</summary>
internal sealed class InboundChunk
{
    public byte[] Buffer { get; private set; } = [];

    public int Length { get; private set; }

    public uint Tsn { get; private set; }

    public ushort Ssn { get; private set; }

    public uint Ppid { get; private set; }

    public bool Beginning { get; private set; }

    public bool Ending { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Fill(in DataChunk data)
    {
        Buffer = ArrayPool<byte>.Shared.Rent(data.UserData.Length);
        data.UserData.CopyTo(Buffer);
        Length = data.UserData.Length;
        Tsn = data.Tsn;
        Ssn = data.Ssn;
        Ppid = data.Ppid;
        Beginning = data.Beginning;
        Ending = data.Ending;
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
