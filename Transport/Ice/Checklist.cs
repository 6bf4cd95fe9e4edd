namespace Mesh.Transport.Ice;

/// <summary>
/// The checklist of one data stream (RFC 8445 section 6.1.2): candidate pairs ordered by priority, pruned
/// of redundant ones, limited in number, with the freezing algorithm deciding which pair is checked next and
/// a FIFO of triggered checks that go first. Mesh has one component, so one checklist is the whole set.
/// </summary>
public sealed class Checklist
{
    private readonly List<CandidatePair> _pairs = [];
    private readonly Queue<CandidatePair> _triggered = new();
    private readonly int _limit;
    private long _order;

    /// <summary>Creates an empty checklist that keeps at most <paramref name="limit"/> pairs (RFC 8445 suggests 100).</summary>
    public Checklist(int limit = 100)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        _limit = limit;
    }

    /// <summary>The pairs, highest priority first.</summary>
    public IReadOnlyList<CandidatePair> Pairs => _pairs;

    /// <summary>Whether any pair is still to be checked or being checked.</summary>
    public bool HasPendingChecks => _triggered.Count > 0 || _pairs.Exists(p => p.State is CandidatePairState.Waiting or CandidatePairState.InProgress or CandidatePairState.Frozen);

    /// <summary>Whether <see cref="Next"/> would return a pair now: something triggered, Waiting, or a Frozen pair it may unfreeze.</summary>
    public bool HasCheckReady =>
        _triggered.Count > 0
        || _pairs.Exists(p => p.State == CandidatePairState.Waiting)
        || _pairs.Exists(p => p.State == CandidatePairState.Frozen && !FoundationBusy(p.Foundation));

    /// <summary>Whether every pair has failed (and there is at least one pair).</summary>
    public bool AllFailed => _pairs.Count > 0 && _pairs.TrueForAll(p => p.State == CandidatePairState.Failed);

    /// <summary>The valid pairs (succeeded checks), highest priority first.</summary>
    public IEnumerable<CandidatePair> Valid => _pairs.Where(p => p.State == CandidatePairState.Succeeded);

    /// <summary>
    /// Adds a pair unless one with the same local base and remote address already exists with a priority at
    /// least as high (pruning, section 6.1.2.4). A pair whose foundation is not yet being checked starts
    /// Waiting; otherwise it starts Frozen (sections 6.1.2.6 and RFC 8838 section 10).
    /// </summary>
    /// <returns>The pair added, or null if it was redundant or below the limit.</returns>
    internal CandidatePair? Add(LocalCandidate local, Candidate remote, IceRole role)
    {
        var pair = new CandidatePair(local, remote, role, _order++);
        var existing = Find(local.Base, remote.EndPoint);
        if (existing is not null)
        {
            if (existing.Priority >= pair.Priority || existing.State is not (CandidatePairState.Frozen or CandidatePairState.Waiting))
            {
                return null;
            }

            _pairs.Remove(existing);
        }

        if (_pairs.Count >= _limit)
        {
            var lowest = _pairs[^1];
            if (lowest.Priority >= pair.Priority || lowest.State is not (CandidatePairState.Frozen or CandidatePairState.Waiting))
            {
                return null;
            }

            _pairs.RemoveAt(_pairs.Count - 1);
        }

        pair.State = _pairs.Exists(p => p.Foundation == pair.Foundation && p.State is CandidatePairState.Waiting or CandidatePairState.InProgress)
            ? CandidatePairState.Frozen
            : CandidatePairState.Waiting;
        Insert(pair);
        return pair;
    }

    /// <summary>The pair whose checks go from <paramref name="local"/> to <paramref name="remote"/>, if any.</summary>
    internal CandidatePair? Find(CandidateBase local, System.Net.IPEndPoint remote) =>
        _pairs.Find(p => ReferenceEquals(p.LocalCandidate.Base, local) && p.Remote.EndPoint.Equals(remote));

    /// <summary>Queues a triggered check (section 7.3.1.4); the pair goes to Waiting if it was not already checked or checking.</summary>
    internal void Trigger(CandidatePair pair)
    {
        if (pair.State is CandidatePairState.Frozen or CandidatePairState.Failed)
        {
            pair.State = CandidatePairState.Waiting;
        }

        if (!_triggered.Contains(pair))
        {
            _triggered.Enqueue(pair);
        }
    }

    /// <summary>
    /// The next pair to send an ordinary or triggered check on (section 6.1.4.2): a triggered one first;
    /// else the highest-priority Waiting pair; else, unfreezing, the highest-priority Frozen pair whose
    /// foundation has nothing Waiting or In-Progress.
    /// </summary>
    internal CandidatePair? Next()
    {
        while (_triggered.TryDequeue(out var triggered))
        {
            if (triggered.State == CandidatePairState.Waiting && _pairs.Contains(triggered))
            {
                return triggered;
            }
        }

        var waiting = _pairs.Find(p => p.State == CandidatePairState.Waiting);
        if (waiting is not null)
        {
            return waiting;
        }

        foreach (var pair in _pairs)
        {
            if (pair.State == CandidatePairState.Frozen && !FoundationBusy(pair.Foundation))
            {
                pair.State = CandidatePairState.Waiting;
                return pair;
            }
        }

        return null;
    }

    /// <summary>After a pair succeeded, unfreezes the pairs that share its foundation (section 7.2.5.3.3).</summary>
    internal void Unfreeze(string foundation)
    {
        foreach (var pair in _pairs)
        {
            if (pair.State == CandidatePairState.Frozen && pair.Foundation == foundation)
            {
                pair.State = CandidatePairState.Waiting;
            }
        }
    }

    /// <summary>Recomputes every pair's priority after a role change and re-sorts.</summary>
    internal void Reprioritise(IceRole role)
    {
        foreach (var pair in _pairs)
        {
            pair.UpdatePriority(role);
        }

        _pairs.Sort(Compare);
    }

    /// <summary>Removes every pair that is not checked yet (after nomination, section 8.1.2).</summary>
    internal void StopPendingChecks()
    {
        _triggered.Clear();
        foreach (var pair in _pairs)
        {
            if (pair.State is CandidatePairState.Frozen or CandidatePairState.Waiting)
            {
                pair.State = CandidatePairState.Failed;
            }
        }
    }

    private bool FoundationBusy(string foundation) =>
        _pairs.Exists(p => p.Foundation == foundation && p.State is CandidatePairState.Waiting or CandidatePairState.InProgress);

    private void Insert(CandidatePair pair)
    {
        var index = _pairs.FindIndex(p => Compare(pair, p) < 0);
        _pairs.Insert(index < 0 ? _pairs.Count : index, pair);
    }

    private static int Compare(CandidatePair a, CandidatePair b)
    {
        var byPriority = b.Priority.CompareTo(a.Priority);
        return byPriority != 0 ? byPriority : a.Order.CompareTo(b.Order);
    }
}
