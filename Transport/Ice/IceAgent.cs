using System.Net;
using Mesh.Transport.Net;
using Mesh.Transport.Stun;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Transport.Ice;

/// <summary>
/// An ICE agent (RFC 8445, with trickle as in RFC 8838 and consent freshness as in RFC 7675) for one data
/// stream with one component. It gathers host, server-reflexive and relayed candidates, pairs them with the
/// peer's as they trickle in, runs paced and triggered connectivity checks, resolves role conflicts, nominates
/// (regular nomination) or follows the peer's nomination, and then offers the selected pair as an
/// <see cref="IDatagramPath"/>.
/// <para>
/// It is driven only by input — datagrams from its sockets, calls from signalling — and by one timer from the
/// injected <see cref="TimeProvider"/>; randomness comes from the injected <see cref="Random"/>. All state
/// changes happen under one lock, so it runs the same over real sockets (receive threads, timer threads) and
/// on the simulator's single thread. Events are raised under that lock; handlers must not block.
/// </para>
/// </summary>
public sealed partial class IceAgent : IDisposable
{
    private const int Component = 1;
    private readonly INetwork _network;
    private readonly IceAgentOptions _options;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly long _started;
    private readonly ITimer _timer;
    private readonly byte[] _localKey;
    private readonly ulong _tiebreaker;
    private readonly List<LocalCandidate> _local = [];
    private readonly List<CandidateBase> _bases = [];
    private readonly List<Candidate> _remote = [];
    private readonly List<CandidatePair> _valid = [];
    private readonly Dictionary<StunTransactionId, IceTransaction> _transactions = [];
    private readonly Checklist _checklist;
    private readonly IceDatagramPath _path;
    private IceCredentials? _remoteCredentials;
    private byte[]? _remoteKey;
    private CandidatePair? _selected;
    private CandidatePair? _nominating;
    private TimeSpan? _nominateAt;
    private TimeSpan? _nominationAnchor;
    private TimeSpan _lastPacedCheck = TimeSpan.FromDays(-1);
    private TimeSpan _connectDeadline = TimeSpan.MaxValue;
    private TimeSpan _nextConsentAt = TimeSpan.MaxValue;
    private TimeSpan _consentExpiresAt = TimeSpan.MaxValue;
    private TimeSpan _timerDue = TimeSpan.MaxValue;
    private bool _gatheringStarted;
    private bool _remoteEndOfCandidates;
    private int _pendingGathers;
    private int _prflxCount;

    /// <summary>Creates an agent; nothing is sent until <see cref="StartGathering"/> and the peer's credentials arrive.</summary>
    /// <param name="network">Where sockets come from (real or virtual).</param>
    /// <param name="options">Configuration; validated here.</param>
    /// <param name="time">The clock for every timer.</param>
    /// <param name="random">Credentials, tiebreaker, transaction IDs and consent jitter come from here; pass <see cref="SecureRandom.Instance"/> outside simulations.</param>
    /// <param name="logger">Optional logger.</param>
    public IceAgent(INetwork network, IceAgentOptions options, TimeProvider time, Random random, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(random);
        options.Validate();
        _network = network;
        _options = options;
        _time = time;
        _random = random;
        _logger = logger ?? NullLogger.Instance;
        _started = time.GetTimestamp();
        Role = options.Role;
        LocalCredentials = options.Credentials ?? IceCredentials.Generate(random);
        _localKey = StunCredentials.ShortTermKey(LocalCredentials.Password);
        Span<byte> tiebreaker = stackalloc byte[8];
        random.NextBytes(tiebreaker);
        _tiebreaker = BitConverter.ToUInt64(tiebreaker);
        _checklist = new Checklist(options.MaxPairs);
        _path = new IceDatagramPath(this);
        _timer = time.CreateTimer(static s => ((IceAgent)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>A local candidate was gathered; signal it to the peer (trickle).</summary>
    public event Action<Candidate>? CandidateGathered;

    /// <summary>Gathering finished; signal end-of-candidates to the peer.</summary>
    public event Action? GatheringCompleted;

    /// <summary>The agent's state changed.</summary>
    public event Action<IceAgentState>? StateChanged;

    /// <summary>Our ufrag and password, to signal to the peer.</summary>
    public IceCredentials LocalCredentials { get; }

    /// <summary>The current role.</summary>
    public IceRole Role { get; private set; }

    /// <summary>The current state.</summary>
    public IceAgentState State { get; private set; } = IceAgentState.New;

    /// <summary>Why the agent failed, in one sentence, once <see cref="State"/> is <see cref="IceAgentState.Failed"/>.</summary>
    public string? FailureReason { get; private set; }

    /// <summary>The selected (nominated) pair once connected.</summary>
    public CandidatePair? SelectedPair
    {
        get
        {
            lock (_gate)
            {
                return _selected;
            }
        }
    }

    /// <summary>The selected pair as a datagram path for DTLS; sends are dropped until a pair is selected and after consent is lost.</summary>
    public IDatagramPath Path => _path;

    /// <summary>Whether local gathering has finished.</summary>
    public bool GatheringComplete { get; private set; }

    /// <summary>How many connectivity checks (requests, retransmissions included, consent excluded) this agent sent.</summary>
    public int ChecksSent { get; private set; }

    /// <summary>How long after creation the agent selected its pair.</summary>
    public TimeSpan? TimeToConnected { get; private set; }

    /// <summary>The local candidates gathered or discovered so far.</summary>
    public IReadOnlyList<Candidate> LocalCandidates
    {
        get
        {
            lock (_gate)
            {
                return [.. _local.Select(l => l.Candidate)];
            }
        }
    }

    /// <summary>The remote candidates known so far, peer-reflexive ones included.</summary>
    public IReadOnlyList<Candidate> RemoteCandidates
    {
        get
        {
            lock (_gate)
            {
                return [.. _remote];
            }
        }
    }

    /// <summary>A snapshot of the checklist's pairs, highest priority first.</summary>
    public IReadOnlyList<CandidatePair> Pairs
    {
        get
        {
            lock (_gate)
            {
                return [.. _checklist.Pairs];
            }
        }
    }

    internal int SelectedMaxDatagramSize => Math.Min(_options.MaxDatagramSize, Volatile.Read(ref _selected)?.LocalCandidate.Base.MaxDatagramSize ?? _options.MaxDatagramSize);

    private TimeSpan Now => _time.GetElapsedTime(_started);

    /// <summary>Sets the peer's ufrag and password (from signalling); checks can start once they are known.</summary>
    public void SetRemoteCredentials(IceCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        lock (_gate)
        {
            if (_remoteCredentials is not null)
            {
                throw new InvalidOperationException("the peer's credentials are already set; an ICE restart needs a new agent");
            }

            _remoteCredentials = credentials;
            _remoteKey = StunCredentials.ShortTermKey(credentials.Password);
            EnterChecking();
            Service();
        }
    }

    /// <summary>Adds a candidate the peer signalled; non-UDP candidates and other components are ignored.</summary>
    /// <returns>Whether the candidate was new and usable.</returns>
    public bool AddRemoteCandidate(Candidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        lock (_gate)
        {
            if (State is IceAgentState.Closed or IceAgentState.Failed
                || !string.Equals(candidate.Transport, "udp", StringComparison.OrdinalIgnoreCase)
                || candidate.Component != Component
                || candidate.EndPoint.Port == 0)
            {
                return false;
            }

            var known = _remote.FindIndex(r => r.EndPoint.Equals(candidate.EndPoint));
            if (known >= 0)
            {
                return ReplacePeerReflexive(known, candidate);
            }

            _remote.Add(candidate);
            PermitOnRelays(candidate);
            foreach (var local in _local)
            {
                if (local.IsPaired && local.Candidate.EndPoint.AddressFamily == candidate.EndPoint.AddressFamily)
                {
                    _checklist.Add(local, candidate, Role);
                }
            }

            EnterChecking();
            Service();
            return true;
        }
    }

    /// <summary>
    /// A signalled candidate whose address we first met as a peer-reflexive one (its check outran the
    /// signalling) takes that one's place, so pairs report the real type (RFC 8445 section 7.3.1.3).
    /// </summary>
    private bool ReplacePeerReflexive(int index, Candidate signalled)
    {
        var old = _remote[index];
        if (old.Type != CandidateType.PeerReflexive || signalled.Type == CandidateType.PeerReflexive)
        {
            return false;
        }

        _remote[index] = signalled;
        foreach (var pair in _checklist.Pairs.Concat(_valid))
        {
            if (ReferenceEquals(pair.Remote, old))
            {
                pair.Remote = signalled;
                pair.UpdatePriority(Role);
            }
        }

        _checklist.Reprioritise(Role);
        return true;
    }

    /// <summary>The peer has signalled end-of-candidates: once every pair has failed, the agent may give up.</summary>
    public void AddRemoteEndOfCandidates()
    {
        lock (_gate)
        {
            _remoteEndOfCandidates = true;
            Service();
        }
    }

    /// <summary>Releases the sockets and allocations and stops every timer.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (State == IceAgentState.Closed)
            {
                return;
            }

            SetState(IceAgentState.Closed);
            _timer.Dispose();
            _transactions.Clear();
            foreach (var @base in _bases)
            {
                @base.Dispose();
            }

            _bases.Clear();
            _path.Dispose();
        }
    }

    /// <summary>Sends application data (DTLS) on the selected pair; dropped when there is none or consent is lost.</summary>
    internal void SendData(ReadOnlySpan<byte> datagram)
    {
        var selected = Volatile.Read(ref _selected);
        if (selected is null || State != IceAgentState.Connected)
        {
            return;
        }

        selected.LocalCandidate.Base.Send(datagram, selected.Remote.EndPoint);
    }

    /// <summary>One datagram arrived on a base: STUN goes to the state machine, DTLS from a checked peer address goes up the path (RFC 7983 demultiplexing).</summary>
    internal void OnDatagram(CandidateBase @base, ReadOnlySpan<byte> datagram, IPEndPoint from)
    {
        if (datagram.IsEmpty)
        {
            return;
        }

        var first = datagram[0];
        if (first <= 3)
        {
            if (!StunMessage.TryParse(datagram, out var message))
            {
                return;
            }

            lock (_gate)
            {
                if (State != IceAgentState.Closed)
                {
                    OnStun(@base, message, from);
                    Service();
                }
            }

            return;
        }

        if (first is >= 20 and <= 63 && AcceptsDataFrom(@base, from))
        {
            _path.Deliver(datagram);
        }
    }

    private bool AcceptsDataFrom(CandidateBase @base, IPEndPoint from)
    {
        var selected = Volatile.Read(ref _selected);
        if (selected is not null && ReferenceEquals(selected.LocalCandidate.Base, @base) && selected.Remote.EndPoint.Equals(from))
        {
            return true;
        }

        // RFC 8445 section 11: data may arrive on any valid pair, e.g. before our side has seen the nomination.
        lock (_gate)
        {
            return _valid.Exists(v => ReferenceEquals(v.LocalCandidate.Base, @base) && v.Remote.EndPoint.Equals(from));
        }
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            if (State == IceAgentState.Closed)
            {
                return;
            }

            _timerDue = TimeSpan.MaxValue;
            Service();
        }
    }

    private void EnterChecking()
    {
        if (State == IceAgentState.New)
        {
            _connectDeadline = Now + _options.ConnectTimeout;
            SetState(IceAgentState.Checking);
        }
    }

    /// <summary>Does whatever is due now (retransmissions, the next paced check, nomination, consent, failure) and re-arms the timer.</summary>
    private void Service()
    {
        var now = Now;
        ServiceTransactions(now);
        if (State == IceAgentState.Checking)
        {
            if (_remoteCredentials is not null && now - _lastPacedCheck >= _options.CheckInterval)
            {
                var next = _checklist.Next();
                if (next is not null)
                {
                    _lastPacedCheck = now;
                    SendCheck(next, nominates: null);
                }
            }

            ConsiderNomination(now);
            CheckForFailure(now);
        }
        else if (State == IceAgentState.Connected)
        {
            ServiceConsent(now);
        }

        Rearm(now);
    }

    private void Rearm(TimeSpan now)
    {
        if (State is IceAgentState.Closed or IceAgentState.Failed)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timerDue = TimeSpan.MaxValue;
            return;
        }

        var due = TimeSpan.MaxValue;
        foreach (var transaction in _transactions.Values)
        {
            due = Min(due, transaction.NextAt);
        }

        if (State == IceAgentState.Checking)
        {
            if (_remoteCredentials is not null && _checklist.HasCheckReady)
            {
                due = Min(due, Max(now, _lastPacedCheck + _options.CheckInterval));
            }

            due = Min(due, _nominateAt ?? TimeSpan.MaxValue);
            due = Min(due, _connectDeadline);
        }
        else if (State == IceAgentState.Connected)
        {
            due = Min(due, Min(_nextConsentAt, _consentExpiresAt));
        }

        if (due == _timerDue)
        {
            return;
        }

        _timerDue = due;
        _timer.Change(due == TimeSpan.MaxValue ? Timeout.InfiniteTimeSpan : Max(TimeSpan.Zero, due - now), Timeout.InfiniteTimeSpan);
    }

    private void SetState(IceAgentState state)
    {
        if (State == state)
        {
            return;
        }

        State = state;
        StateChanged?.Invoke(state);
    }

    private void Fail(string reason)
    {
        if (State is IceAgentState.Failed or IceAgentState.Closed)
        {
            return;
        }

        FailureReason = reason;
        IceLog.Failed(_logger, reason);
        _transactions.Clear();
        SetState(IceAgentState.Failed);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
