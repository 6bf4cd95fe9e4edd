using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Mesh.Transport.Net;

/// <summary>
/// Linux UDP segmentation offload: many equal-sized datagrams handed to the kernel in one
/// <c>sendmsg</c> with a <c>UDP_SEGMENT</c> control message (GSO), and, with <c>UDP_GRO</c> on the
/// socket, a run of them read back in one <c>recvmsg</c> that says the segment size. At tens of
/// thousands of datagrams a second the per-datagram system call was the largest single cost of a
/// transfer; with these it is paid once per up to 64 KiB. Only for 64-bit Linux; callers fall back to
/// one datagram per call elsewhere or when the kernel refuses.
/// </summary>
internal static unsafe partial class UdpOffload
{
    /// <summary>Largest total of one segmented send: a UDP payload must stay under 65,507 bytes (IPv4).</summary>
    public const int MaxBytes = 65000;

    /// <summary>Segments per send the kernel accepts (UDP_MAX_SEGMENTS).</summary>
    public const int MaxSegments = 64;

    private const int SolUdp = 17;
    private const int UdpSegment = 103;
    private const int UdpGro = 104;
    private const int AfInet = 2;
    private const int AfInet6 = 10;
    private const int MsgTrunc = 0x20;

    /// <summary>errno for "nothing queued" / "send buffer full".</summary>
    public const int WouldBlock = 11;

    /// <summary>errno: the kernel had no buffer for the datagram.</summary>
    public const int NoBuffers = 105;

    /// <summary>errno: an ICMP port unreachable for an earlier datagram, reported on this send.</summary>
    public const int ConnectionRefused = 111;

    /// <summary>errno: interrupted by a signal.</summary>
    public const int Interrupted = 4;

    /// <summary>Room for a sockaddr_in6.</summary>
    public const int AddressCapacity = 28;

    /// <summary>True where the system calls and structure layouts here apply.</summary>
    public static bool Supported { get; } = OperatingSystem.IsLinux() && IntPtr.Size == 8;

    /// <summary>Asks the kernel to coalesce received runs of datagrams (UDP_GRO); false if it refuses.</summary>
    public static bool TryEnableReceiveCoalescing(Socket socket)
    {
        if (!Supported)
        {
            return false;
        }

        try
        {
            Span<byte> on = stackalloc byte[sizeof(int)];
            BinaryPrimitives.WriteInt32LittleEndian(on, 1);
            socket.SetRawSocketOption(SolUdp, UdpGro, on);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Writes <paramref name="endPoint"/> as a Linux sockaddr for a socket of <paramref name="family"/>; returns its length.</summary>
    public static int WriteAddress(IPEndPoint endPoint, AddressFamily family, Span<byte> destination)
    {
        destination[..AddressCapacity].Clear();
        if (family == AddressFamily.InterNetwork)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(destination, AfInet);
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)endPoint.Port);
            endPoint.Address.TryWriteBytes(destination[4..8], out _);
            return 16;
        }

        var address = endPoint.Address.AddressFamily == AddressFamily.InterNetwork ? endPoint.Address.MapToIPv6() : endPoint.Address;
        BinaryPrimitives.WriteUInt16LittleEndian(destination, AfInet6);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)endPoint.Port);
        address.TryWriteBytes(destination[8..24], out _);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[24..], (uint)address.ScopeId);
        return 28;
    }

    /// <summary>Reads a Linux sockaddr_in or sockaddr_in6; IPv4-mapped addresses come back as IPv4.</summary>
    public static IPEndPoint? ReadAddress(ReadOnlySpan<byte> address)
    {
        if (address.Length >= 16 && BinaryPrimitives.ReadUInt16LittleEndian(address) == AfInet)
        {
            return new IPEndPoint(new IPAddress(address[4..8]), BinaryPrimitives.ReadUInt16BigEndian(address[2..]));
        }

        if (address.Length >= 28 && BinaryPrimitives.ReadUInt16LittleEndian(address) == AfInet6)
        {
            var ip = new IPAddress(address[8..24], BinaryPrimitives.ReadUInt32LittleEndian(address[24..]));
            return new IPEndPoint(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip, BinaryPrimitives.ReadUInt16BigEndian(address[2..]));
        }

        return null;
    }

    /// <summary>
    /// Sends <paramref name="data"/> as datagrams of <paramref name="segmentSize"/> bytes (the last may be
    /// shorter) in one call; returns 0 or the errno.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int SendSegments(SafeHandle socket, ReadOnlySpan<byte> address, ReadOnlySpan<byte> data, int segmentSize)
    {
        var added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            var control = stackalloc byte[24]; // CMSG_SPACE(sizeof(ushort))
            new Span<byte>(control, 24).Clear();
            *(nuint*)control = 16 + sizeof(ushort); // CMSG_LEN
            *(int*)(control + 8) = SolUdp;
            *(int*)(control + 12) = UdpSegment;
            *(ushort*)(control + 16) = (ushort)segmentSize;
            fixed (byte* name = address)
            fixed (byte* payload = data)
            {
                var vector = new IoVector { Base = payload, Length = (nuint)data.Length };
                var message = new MessageHeader
                {
                    Name = name,
                    NameLength = (uint)address.Length,
                    Vector = &vector,
                    VectorLength = 1,
                    Control = control,
                    ControlLength = 24,
                };
                return SendMessage((int)socket.DangerousGetHandle(), &message, 0) < 0 ? Marshal.GetLastPInvokeError() : 0;
            }
        }
        finally
        {
            if (added)
            {
                socket.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Receives one datagram or one coalesced run into <paramref name="buffer"/>: returns its length, or
    /// the negated errno. <paramref name="segmentSize"/> is the run's segment size (the whole length if
    /// it was a single datagram); <paramref name="addressLength"/> the length of the sender's sockaddr.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Receive(SafeHandle socket, Span<byte> buffer, Span<byte> address, out int addressLength, out int segmentSize)
    {
        addressLength = 0;
        segmentSize = 0;
        var added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            var control = stackalloc byte[64];
            fixed (byte* name = address)
            fixed (byte* payload = buffer)
            {
                var vector = new IoVector { Base = payload, Length = (nuint)buffer.Length };
                var message = new MessageHeader
                {
                    Name = name,
                    NameLength = (uint)address.Length,
                    Vector = &vector,
                    VectorLength = 1,
                    Control = control,
                    ControlLength = 64,
                };
                var received = (int)ReceiveMessage((int)socket.DangerousGetHandle(), &message, 0);
                if (received < 0)
                {
                    return -Marshal.GetLastPInvokeError();
                }

                if ((message.Flags & MsgTrunc) != 0)
                {
                    return 0; // larger than any datagram we expect: dropped, as a too-small buffer would
                }

                addressLength = (int)message.NameLength;
                segmentSize = received;
                var offset = 0;
                while (offset + 16 <= (int)message.ControlLength)
                {
                    var length = (int)*(nuint*)(control + offset);
                    if (length < 16)
                    {
                        break;
                    }

                    if (*(int*)(control + offset + 8) == SolUdp && *(int*)(control + offset + 12) == UdpGro && length >= 16 + sizeof(int))
                    {
                        segmentSize = Math.Clamp(*(int*)(control + offset + 16), 1, Math.Max(received, 1));
                    }

                    offset += (length + 7) & ~7;
                }

                return received;
            }
        }
        finally
        {
            if (added)
            {
                socket.DangerousRelease();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    private static partial nint SendMessage(int socket, MessageHeader* message, int flags);

    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    private static partial nint ReceiveMessage(int socket, MessageHeader* message, int flags);

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVector
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MessageHeader
    {
        public byte* Name;
        public uint NameLength;
        public IoVector* Vector;
        public nuint VectorLength;
        public byte* Control;
        public nuint ControlLength;
        public int Flags;
    }
}
