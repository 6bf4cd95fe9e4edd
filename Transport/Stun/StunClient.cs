using System.Net;

namespace Mesh.Transport.Stun;

/// <summary>
/// The client side of STUN transactions (RFC 8489 section 6.2): sends requests with the retransmission
/// schedule, matches responses by transaction ID, gives up on time. It owns no socket: requests go out
/// through a <see cref="StunDatagramSender"/> and whoever receives datagrams hands STUN responses to
/// <see cref="OnDatagram"/>, so it runs over a real socket, a TURN relay or the simulator alike. Timers
/// come from the injected <see cref="TimeProvider"/>; transaction IDs from the injected <see cref="Random"/>.
/// </summary>
public sealed class StunClient : IDisposable
{
    private readonly StunDatagramSender send;
    private readonly TimeProvider time;
    private readonly Random random;
    private readonly bool inline;
    private readonly Lock gate = new();
    private readonly Dictionary<StunTransactionId, Transaction> pending = [];
    private bool disposed;

    /// <summary>
    /// Creates a client that sends through <paramref name="send"/>. With <paramref name="runContinuationsInline"/>,
    /// code awaiting a transaction resumes on the thread that delivered the response or fired the timer
    /// (what a single-threaded simulator needs to stay deterministic); by default it resumes on the pool.
    /// Transactions are always completed outside the client's locks, so inline continuations cannot deadlock.
    /// </summary>
    public StunClient(StunDatagramSender send, TimeProvider time, Random random, bool runContinuationsInline = false)
    {
        inline = runContinuationsInline;
        this.send = send ?? throw new ArgumentNullException(nameof(send));
        this.time = time ?? throw new ArgumentNullException(nameof(time));
        this.random = random ?? throw new ArgumentNullException(nameof(random));
    }

    /// <summary>A new transaction ID from this client's random source.</summary>
    public StunTransactionId NewTransactionId()
    {
        lock (gate)
        {
            return StunTransactionId.New(random);
        }
    }

    /// <summary>The number of transactions waiting for a response.</summary>
    public int PendingCount
    {
        get
        {
            lock (gate)
            {
                return pending.Count;
            }
        }
    }

    /// <summary>
    /// Sends the request <paramref name="encoded"/> (complete: integrity and fingerprint included), whose
    /// transaction is <paramref name="transactionId"/>, to <paramref name="server"/> on the schedule;
    /// completes with the response, or null when none came in time. Cancelling stops retransmitting.
    /// </summary>
    public Task<StunResponse?> SendAsync(StunTransactionId transactionId, ReadOnlyMemory<byte> encoded, IPEndPoint server,
        StunRetransmission? schedule = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        var transaction = new Transaction(this, transactionId, encoded, server, schedule ?? StunRetransmission.Default);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (!pending.TryAdd(transactionId, transaction))
            {
                throw new InvalidOperationException($"Transaction {transactionId} is already pending.");
            }
        }

        // Outside the client's lock: a sender that delivers synchronously (the simulator, loopback
        // tests) may hand the response straight back to OnDatagram.
        transaction.Begin(cancellationToken);

        return transaction.Completion.Task;
    }

    /// <summary>Encodes <paramref name="request"/> and sends it (see <see cref="SendAsync(StunTransactionId, ReadOnlyMemory{byte}, IPEndPoint, StunRetransmission?, CancellationToken)"/>).</summary>
    public Task<StunResponse?> SendAsync(StunMessage request, IPEndPoint server, StunIntegrity integrity = StunIntegrity.None,
        ReadOnlyMemory<byte> key = default, StunRetransmission? schedule = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var encoded = request.ToArray(integrity, key.Span, fingerprint: true);
        return SendAsync(request.TransactionId, encoded, server, schedule, cancellationToken);
    }

    /// <summary>
    /// Sends a Binding request to <paramref name="server"/> and returns the reflexive address it reports
    /// (XOR-MAPPED-ADDRESS, or MAPPED-ADDRESS from an old server), or null when no success came.
    /// </summary>
    public async Task<StunResponse?> BindAsync(IPEndPoint server, StunRetransmission? schedule = null, CancellationToken cancellationToken = default)
    {
        var request = new StunMessage(StunMessageType.BindingRequest, NewTransactionId());
        return await SendAsync(request, server, schedule: schedule, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Offers a received datagram; returns true when it was the response to a pending transaction (the
    /// transaction then completes), false when it is someone else's.
    /// </summary>
    public bool OnDatagram(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        if (!StunMessage.IsStun(datagram) || (datagram[0] & 0x01) == 0)
        {
            // Responses have the C1 bit (0x0100 of the type) set; requests and indications are not ours.
            return false;
        }

        var id = StunTransactionId.Read(datagram[8..]);
        lock (gate)
        {
            if (!pending.ContainsKey(id))
            {
                return false;
            }
        }

        return StunMessage.TryParse(datagram, out var message) && OnResponse(message, remote);
    }

    /// <summary>Offers an already parsed response (see <see cref="OnDatagram"/>).</summary>
    public bool OnResponse(StunMessage message, IPEndPoint remote)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Type.Class is not (StunClass.SuccessResponse or StunClass.ErrorResponse))
        {
            return false;
        }

        Transaction? transaction;
        lock (gate)
        {
            if (!pending.TryGetValue(message.TransactionId, out transaction) || transaction.Request != message.Type.Method)
            {
                return false;
            }

            pending.Remove(message.TransactionId);
        }

        transaction.Complete(message, remote);
        return true;
    }

    /// <summary>Fails every pending transaction with null and refuses new ones.</summary>
    public void Dispose()
    {
        Transaction[] all;
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            all = [.. pending.Values];
            pending.Clear();
        }

        foreach (var transaction in all)
        {
            transaction.Abandon();
        }
    }

    private void Retire(Transaction transaction)
    {
        lock (gate)
        {
            if (pending.TryGetValue(transaction.Id, out var current) && ReferenceEquals(current, transaction))
            {
                pending.Remove(transaction.Id);
            }
        }
    }

    /// <summary>One outstanding request and its retransmission timer.</summary>
    private sealed class Transaction
    {
        private readonly StunClient owner;
        private readonly ReadOnlyMemory<byte> encoded;
        private readonly IPEndPoint server;
        private readonly StunRetransmission schedule;
        private readonly Lock sync = new();
        private ITimer? timer;
        private bool done;
        private CancellationTokenRegistration cancellation;
        private long firstSent;
        private long lastSent;
        private int transmissions;

        public Transaction(StunClient owner, StunTransactionId id, ReadOnlyMemory<byte> encoded, IPEndPoint server, StunRetransmission schedule)
        {
            this.owner = owner;
            Id = id;
            this.encoded = encoded;
            this.server = server;
            this.schedule = schedule;
            Completion = new(owner.inline ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
            Request = StunMessageType.TryDecode((ushort)((encoded.Span[0] << 8) | encoded.Span[1]), out var type) ? type.Method : StunMethod.Binding;
        }

        public StunTransactionId Id { get; }

        public StunMethod Request { get; }

        public TaskCompletionSource<StunResponse?> Completion { get; }

        public void Begin(CancellationToken cancellationToken)
        {
            lock (sync)
            {
                firstSent = owner.time.GetTimestamp();
                timer = owner.time.CreateTimer(static state => ((Transaction)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                ScheduleNext();
            }

            // Sent outside the lock: a synchronous sender may deliver the response, and so complete
            // this transaction (and run inline continuations), before Send returns.
            owner.send(encoded.Span, server);
            if (cancellationToken.CanBeCanceled)
            {
                cancellation = cancellationToken.Register(static state => ((Transaction)state!).Cancel(), this);
            }
        }

        public void Complete(StunMessage message, IPEndPoint from)
        {
            StunResponse response;
            lock (sync)
            {
                if (!Stop())
                {
                    return;
                }

                var rtt = owner.time.GetElapsedTime(transmissions == 1 ? firstSent : lastSent);
                response = new StunResponse(message, from, rtt, transmissions);
            }

            cancellation.Dispose();
            Completion.TrySetResult(response);
        }

        public void Abandon()
        {
            lock (sync)
            {
                Stop();
            }

            cancellation.Dispose();
            Completion.TrySetResult(null);
        }

        private void Cancel()
        {
            owner.Retire(this);
            lock (sync)
            {
                Stop();
            }

            Completion.TrySetCanceled();
        }

        private void OnTimer()
        {
            var retransmit = false;
            lock (sync)
            {
                if (done)
                {
                    return;
                }

                if (schedule.Reliable || transmissions >= schedule.MaxTransmissions)
                {
                    owner.Retire(this);
                    Stop();
                }
                else
                {
                    ScheduleNext();
                    retransmit = true;
                }
            }

            if (retransmit)
            {
                owner.send(encoded.Span, server);
                return;
            }

            cancellation.Dispose();
            Completion.TrySetResult(null);
        }

        /// <summary>Counts a send and arms the timer for what follows it. Called under <see cref="sync"/>.</summary>
        private void ScheduleNext()
        {
            transmissions++;
            lastSent = owner.time.GetTimestamp();
            timer?.Change(schedule.WaitAfter(transmissions), Timeout.InfiniteTimeSpan);
        }

        /// <summary>Stops the timer; false when already stopped. Called under <see cref="sync"/>.</summary>
        private bool Stop()
        {
            if (done)
            {
                return false;
            }

            done = true;
            timer?.Dispose();
            return true;
        }
    }
}
