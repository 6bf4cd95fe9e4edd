using System.Net;

namespace Mesh.Simulator.Network;

/// <summary>A hash of an endpoint that is the same in every process (string and object hashes are randomised per run).</summary>
internal static class IPEndPointStableHash
{
    public static long GetHashCodeStable(this IPEndPoint endPoint)
    {
        Span<byte> bytes = stackalloc byte[16];
        endPoint.Address.TryWriteBytes(bytes, out var written);
        long hash = endPoint.Port;
        foreach (var b in bytes[..written])
        {
            hash = (hash * 31) + b;
        }

        return hash;
    }
}
