using System.Runtime.CompilerServices;

namespace Mesh.Transport.Sctp;

/// <summary>Fragments of one incoming stream waiting to form whole messages, ordered and unordered apart, each sorted by TSN.</summary>
internal sealed class InboundStream
{
    public List<InboundChunk> Ordered { get; } = [];

    public List<InboundChunk> Unordered { get; } = [];

    /// <summary>The SSN of the next ordered message to deliver.</summary>
    public ushort NextSsn { get; set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Insert(List<InboundChunk> list, InboundChunk chunk)
    {
        var i = list.Count;
        while (i > 0 && SerialNumber.Greater(list[i - 1].Tsn, chunk.Tsn))
        {
            i--;
        }

        list.Insert(i, chunk);
    }
}
