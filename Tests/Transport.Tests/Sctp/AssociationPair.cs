using System.Security.Cryptography;
using Mesh.Transport.Sctp;

namespace Mesh.Transport.Tests.Sctp;

/// <summary>Two associations joined by a <see cref="VirtualLink"/> on virtual time, with what each received.</summary>
internal sealed class AssociationPair : IDisposable
{
    /// <param name="seed">Seeds the link and both associations.</param>
    /// <param name="configure">Adjusts the options both associations share.</param>
    /// <param name="keepMessages">False for bulk transfers, whose messages are checked by hash instead of kept.</param>
    public AssociationPair(int seed = 1, Func<AssociationOptions, AssociationOptions>? configure = null, bool keepMessages = true)
    {
        Clock = new VirtualClock();
        Link = new VirtualLink(Clock, seed);
        var options = new AssociationOptions { TimeProvider = Clock, Random = new Random(seed) };
        options = configure?.Invoke(options) ?? options;
        A = new Association(options with { Random = new Random(seed * 7 + 1) }, Link.SendFromA);
        B = new Association(options with { Random = new Random(seed * 7 + 2) }, Link.SendFromB);
        Link.DeliverToA = data => A.OnPacket(data);
        Link.DeliverToB = data => B.OnPacket(data);
        if (keepMessages)
        {
            A.MessageReceived += (stream, ppid, message) => ReceivedByA.Add((stream, ppid, message.ToArray()));
            B.MessageReceived += (stream, ppid, message) => ReceivedByB.Add((stream, ppid, message.ToArray()));
        }
    }

    public VirtualClock Clock { get; }

    public VirtualLink Link { get; }

    public Association A { get; }

    public Association B { get; }

    public List<(ushort Stream, uint Ppid, byte[] Data)> ReceivedByA { get; } = [];

    public List<(ushort Stream, uint Ppid, byte[] Data)> ReceivedByB { get; } = [];

    public void Connect(bool both = true)
    {
        A.Connect();
        if (both)
        {
            B.Connect();
        }

        var established = Link.RunUntil(
            () => A.State == AssociationState.Established && B.State == AssociationState.Established,
            TimeSpan.FromSeconds(60));
        Assert.True(established, $"not established: A {A.State} ({A.CloseReason}), B {B.State} ({B.CloseReason})");
    }

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
    }
}

/// <summary>Streams a deterministic byte sequence through an association as messages, hashing what was sent.</summary>
internal sealed class BulkSender
{
    private readonly Association _association;
    private readonly byte[] _message;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly Random _content;
    private long _remaining;

    public BulkSender(Association association, long bytes, int messageSize, int seed)
    {
        _association = association;
        _remaining = bytes;
        _message = new byte[messageSize];
        _content = new Random(seed);
        association.BufferedAmountLow += Pump;
    }

    public byte[]? Hash { get; private set; }

    public void Pump()
    {
        while (_remaining > 0)
        {
            var size = (int)Math.Min(_message.Length, _remaining);
            if (_association.BufferedAmount > 2 * _association.BufferedAmountLowThreshold)
            {
                return;
            }

            _content.NextBytes(_message.AsSpan(0, size));
            var status = _association.TrySend(1, 53, _message.AsSpan(0, size));
            if (status != SendStatus.Queued)
            {
                return;
            }

            _hash.AppendData(_message.AsSpan(0, size));
            _remaining -= size;
        }

        Hash ??= _hash.GetHashAndReset();
    }
}

/// <summary>Hashes what arrives on an association and checks per-message sizes.</summary>
internal sealed class BulkReceiver
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly long _expected;

    public BulkReceiver(Association association, long expected)
    {
        _expected = expected;
        association.MessageReceived += (_, _, message) =>
        {
            _hash.AppendData(message);
            Received += message.Length;
            if (Received == _expected)
            {
                Hash = _hash.GetHashAndReset();
            }
        };
    }

    public long Received { get; private set; }

    public byte[]? Hash { get; private set; }
}
