using System.Threading.Channels;
using Mesh.Transport.Net;

namespace Mesh.Transport.Tests.Dtls;

/// <summary>
/// Two connected <see cref="IDatagramPath"/> ends for tests over real threads: what one sends is queued
/// for the other and delivered in order on that end's own delivery task, one datagram at a time (as a
/// socket's receive loop would), unless the seeded conditions drop it, duplicate it, or hold it back so
/// the next datagram overtakes it. Delivering on the sender's thread instead would let a protocol's
/// send re-enter its peer, and the peer's reply re-enter it, while it holds its own lock.
/// </summary>
internal sealed class DatagramPipe
{
    private readonly object _gate = new();
    private readonly Random _random;

    public DatagramPipe(int seed = 1, int mtu = 1200)
    {
        _random = new Random(seed);
        A = new End(this, mtu);
        B = new End(this, mtu);
        A.Peer = B;
        B.Peer = A;
    }

    public End A { get; }

    public End B { get; }

    public double Loss { get; set; }

    public double Duplication { get; set; }

    public double Reordering { get; set; }

    /// <summary>Drops every datagram while false.</summary>
    public bool Up { get; set; } = true;

    /// <summary>Sees every datagram before the conditions; returning null drops it.</summary>
    public Func<End, byte[], byte[]?>? Tap { get; set; }

    internal sealed class End(DatagramPipe pipe, int mtu) : IDatagramPath
    {
        private readonly Channel<byte[]> _inbox = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
        private byte[]? _held;

        public End Peer { get; set; } = null!;

        public int MaxDatagramSize => mtu;

        public long Sent { get; private set; }

        public void Send(ReadOnlySpan<byte> datagram)
        {
            var data = datagram.ToArray();
            byte[]? release = null;
            var copies = 1;
            lock (pipe._gate)
            {
                Sent++;
                if (pipe.Tap is { } tap && tap(this, data) is not { } tapped)
                {
                    return;
                }

                if (!pipe.Up || data.Length > mtu || pipe._random.NextDouble() < pipe.Loss)
                {
                    return;
                }

                if (pipe._random.NextDouble() < pipe.Duplication)
                {
                    copies = 2;
                }

                if (_held is null && pipe._random.NextDouble() < pipe.Reordering)
                {
                    _held = data;
                    return;
                }

                release = _held;
                _held = null;

                // Queued under the lock, so datagrams keep the order the conditions gave them.
                for (var i = 0; i < copies; i++)
                {
                    Peer.Receive(data);
                }

                if (release is not null)
                {
                    Peer.Receive(release);
                }
            }
        }

        public void Start(DatagramHandler handler) => _ = Task.Run(async () =>
        {
            await foreach (var data in _inbox.Reader.ReadAllAsync())
            {
                handler(data);
            }
        });

        /// <summary>Queues a datagram for this end as if it had arrived from the peer.</summary>
        public void Receive(byte[] data) => _inbox.Writer.TryWrite(data);

        public void Dispose() => _inbox.Writer.TryComplete();
    }
}
