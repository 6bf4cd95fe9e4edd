using System.Net.Sockets;

namespace Mesh.Transport.Net;

/// <summary>Asks the kernel for larger socket buffers than the default, as far as it allows.</summary>
internal static class KernelBuffers
{
    // Linux socket options (asm-generic/socket.h); the FORCE variants ignore net.core.[rw]mem_max but
    // need CAP_NET_ADMIN, so they are tried first and the capped request is the fallback.
    private const int SolSocket = 1;
    private const int SoSndBufForce = 32;
    private const int SoRcvBufForce = 33;

    /// <summary>
    /// Sets the receive and send buffers to <paramref name="bytes"/>; without privilege Linux caps the
    /// request at net.core.rmem_max / wmem_max, which is still better than the default.
    /// </summary>
    public static void Enlarge(Socket socket, int bytes)
    {
        if (!OperatingSystem.IsLinux() || !TryForce(socket, SoRcvBufForce, bytes))
        {
            TrySet(socket, SocketOptionName.ReceiveBuffer, bytes);
        }

        if (!OperatingSystem.IsLinux() || !TryForce(socket, SoSndBufForce, bytes))
        {
            TrySet(socket, SocketOptionName.SendBuffer, bytes);
        }
    }

    private static bool TryForce(Socket socket, int option, int bytes)
    {
        try
        {
            Span<byte> value = stackalloc byte[sizeof(int)];
            BitConverter.TryWriteBytes(value, bytes);
            socket.SetRawSocketOption(SolSocket, option, value);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static void TrySet(Socket socket, SocketOptionName option, int bytes)
    {
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, option, bytes);
        }
        catch (SocketException)
        {
            // Some platforms refuse large values outright; the default buffer still works, only slower.
        }
    }
}
