using Mesh.Peer.Sync;

namespace Mesh.Peer.Tests.Sync;

/// <summary>Two devices' engines joined by an in-memory link pair, running until broken or disposed.</summary>
internal sealed class TestLink : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _a;
    private readonly Task _b;

    private TestLink(InMemoryLink aEnd, InMemoryLink bEnd, TestDevice a, TestDevice b, Func<InMemoryLink, ILink>? wrapA)
    {
        AEnd = aEnd;
        BEnd = bEnd;
        var aLink = wrapA is null ? aEnd : wrapA(aEnd);
        _a = Task.Run(() => a.Engine.RunLinkAsync(aLink, _stop.Token));
        _b = Task.Run(() => b.Engine.RunLinkAsync(bEnd, _stop.Token));
    }

    public InMemoryLink AEnd { get; }

    public InMemoryLink BEnd { get; }

    /// <summary>Bytes that crossed the link in both directions.</summary>
    public long TotalBytes => AEnd.BytesSent + BEnd.BytesSent;

    public static TestLink Connect(TestDevice a, TestDevice b, int capacity = 64, Func<InMemoryLink, ILink>? wrapA = null)
    {
        var (aEnd, bEnd) = InMemoryLink.CreatePair(a.Id, b.Id, capacity);
        return new TestLink(aEnd, bEnd, a, b, wrapA);
    }

    public void Break() => AEnd.Break();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        AEnd.Break();
        await Task.WhenAll(_a, _b).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}
