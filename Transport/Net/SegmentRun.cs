using System.Runtime.CompilerServices;

namespace Mesh.Transport.Net;

/// <summary>
/// Datagrams to one peer from one socket laid end to end, all of one size but the last (which may be
/// shorter): what one segmented send (<see cref="UdpOffload.SendSegments"/>) carries. One per thread.
/// </summary>
internal sealed class SegmentRun
{
    private readonly byte[] _buffer = new byte[UdpOffload.MaxBytes];
    private readonly byte[] _address = new byte[UdpOffload.AddressCapacity];
    private SocketUdpEndpoint? _endpoint;
    private int _addressLength;
    private int _length;
    private int _segmentSize;
    private int _count;
    private bool _closed;

    /// <summary>
    /// Appends <paramref name="datagram"/> for <paramref name="endpoint"/> to send to the sockaddr
    /// <paramref name="address"/>; first sends what is held if the datagram cannot join it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Append(SocketUdpEndpoint endpoint, ReadOnlySpan<byte> address, ReadOnlySpan<byte> datagram)
    {
        if (_count > 0 && !Joins(endpoint, address, datagram.Length))
        {
            Flush();
        }

        if (_count == 0)
        {
            _endpoint = endpoint;
            address.CopyTo(_address);
            _addressLength = address.Length;
            _segmentSize = datagram.Length;
            _closed = false;
        }

        datagram.CopyTo(_buffer.AsSpan(_length));
        _length += datagram.Length;
        _count++;
        _closed |= datagram.Length < _segmentSize;
        if (_closed || _count == UdpOffload.MaxSegments || _length + _segmentSize > _buffer.Length)
        {
            Flush();
        }
    }

    /// <summary>Sends what is held, as one segmented send or, for a single datagram, a plain one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Flush()
    {
        if (_count == 0)
        {
            return;
        }

        var endpoint = _endpoint!;
        var count = _count;
        var length = _length;
        _count = 0;
        _length = 0;
        _endpoint = null;
        endpoint.SendRun(_address.AsSpan(0, _addressLength), _buffer.AsSpan(0, length), _segmentSize, count);
    }

    private bool Joins(SocketUdpEndpoint endpoint, ReadOnlySpan<byte> address, int size) =>
        ReferenceEquals(endpoint, _endpoint) && !_closed && size <= _segmentSize && _length + size <= _buffer.Length
        && address.SequenceEqual(_address.AsSpan(0, _addressLength));
}
