using Mesh.Peer.Sync;
using Mesh.Proto;

namespace Mesh.Peer.Tests.Sync;

public sealed class RequestCoalescerTests
{
    [Fact]
    public async Task Requests_queued_while_one_is_being_sent_go_out_together_within_the_caps()
    {
        var sent = new List<SyncEnvelope>();
        var firstSend = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var coalescer = new RequestCoalescer(async (envelope, _) =>
        {
            lock (sent)
            {
                sent.Add(envelope);
            }

            firstSend.TrySetResult();
            await release.Task;
        }, maxRequests: 4, maxBytes: 10_000, holdBelowBytes: 0, holdUpTo: 0);

        // The first request goes out at once and holds the sender; the next nine queue behind it.
        var first = coalescer.SendAsync(new Request { Id = 1, Size = 100 }, CancellationToken.None);
        await firstSend.Task;
        var queued = Enumerable.Range(2, 9).Select(i => coalescer.SendAsync(new Request { Id = (ulong)i, Size = i == 2 ? 9_950u : 100u }, CancellationToken.None)).ToList();
        Assert.All(queued, t => Assert.True(t.IsCompleted));
        release.SetResult();
        await first;

        // Request 2 alone (its size leaves no room), then 3..6 (the count cap), then 7..10.
        Assert.Equal(new ulong[][] { [1], [2], [3, 4, 5, 6], [7, 8, 9, 10] }, sent.Select(Ids).ToArray());
        Assert.Equal(SyncEnvelope.BodyOneofCase.Request, sent[0].BodyCase);
        Assert.Equal(SyncEnvelope.BodyOneofCase.RequestBatch, sent[2].BodyCase);
        Assert.Equal(4, coalescer.MessagesSent);
    }

    [Fact]
    public async Task After_a_failed_send_the_next_request_sends_what_was_left()
    {
        var sent = new List<ulong[]>();
        var fail = true;
        var coalescer = new RequestCoalescer((envelope, _) =>
        {
            if (fail)
            {
                fail = false;
                throw new LinkClosedException("broken");
            }

            sent.Add(Ids(envelope));
            return Task.CompletedTask;
        }, maxRequests: 10, maxBytes: 10_000, holdBelowBytes: 0, holdUpTo: 0);

        await Assert.ThrowsAsync<LinkClosedException>(() => coalescer.SendAsync(new Request { Id = 1, Size = 1 }, CancellationToken.None));
        await coalescer.SendAsync(new Request { Id = 2, Size = 1 }, CancellationToken.None);

        Assert.Equal(new ulong[][] { [2] }, sent.ToArray());
    }

    [Fact]
    public async Task A_small_request_waits_for_the_answers_in_flight_or_for_the_next_send()
    {
        var sent = new List<ulong[]>();
        var coalescer = new RequestCoalescer((envelope, _) =>
        {
            sent.Add(Ids(envelope));
            return Task.CompletedTask;
        }, maxRequests: 10, maxBytes: 100_000, holdBelowBytes: 1000, holdUpTo: 3);

        // Nothing in flight: the first small request goes at once; the next two wait for its answer.
        await coalescer.SendAsync(new Request { Id = 1, Size = 10 }, CancellationToken.None);
        await coalescer.SendAsync(new Request { Id = 2, Size = 10 }, CancellationToken.None);
        await coalescer.SendAsync(new Request { Id = 3, Size = 10 }, CancellationToken.None);
        Assert.Equal(new ulong[][] { [1] }, sent.ToArray());

        // A large request is never held, and takes the held ones along.
        await coalescer.SendAsync(new Request { Id = 4, Size = 5000 }, CancellationToken.None);
        Assert.Equal(new ulong[][] { [1], [2, 3, 4] }, sent.ToArray());

        // Held until every request in flight is answered.
        await coalescer.SendAsync(new Request { Id = 5, Size = 10 }, CancellationToken.None);
        for (var answered = 0; answered < 3; answered++)
        {
            await coalescer.Finished(CancellationToken.None);
            Assert.Equal(2, sent.Count);
        }

        await coalescer.Finished(CancellationToken.None);
        Assert.Equal(new ulong[][] { [1], [2, 3, 4], [5] }, sent.ToArray());

        // With one in flight, the third held request fills the hold and sends all three.
        await coalescer.SendAsync(new Request { Id = 6, Size = 10 }, CancellationToken.None);
        await coalescer.SendAsync(new Request { Id = 7, Size = 10 }, CancellationToken.None);
        Assert.Equal(3, sent.Count);
        await coalescer.SendAsync(new Request { Id = 8, Size = 10 }, CancellationToken.None);
        Assert.Equal(new ulong[][] { [1], [2, 3, 4], [5], [6, 7, 8] }, sent.ToArray());
    }

    private static ulong[] Ids(SyncEnvelope envelope) =>
        envelope.BodyCase == SyncEnvelope.BodyOneofCase.Request ? [envelope.Request.Id] : envelope.RequestBatch.Requests.Select(r => r.Id).ToArray();
}
