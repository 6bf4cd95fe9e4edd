namespace Mesh.Transport.Ice;

// Nomination, selection, consent freshness and failure (RFC 8445 sections 8 and 7.2.5.3.4, RFC 7675).
public sealed partial class IceAgent
{
    /// <summary>
    /// Regular nomination by the controlling agent: nominate the best valid pair at once when no better pair is
    /// still being checked; otherwise wait until those could have answered, within bounds.
    /// </summary>
    private void ConsiderNomination(TimeSpan now)
    {
        if (Role != IceRole.Controlling || _selected is not null || _nominating is not null || _remoteCredentials is null)
        {
            return;
        }

        CandidatePair? best = null;
        foreach (var valid in _valid)
        {
            if (best is null || valid.Priority > best.Priority)
            {
                best = valid;
            }
        }

        if (best is null)
        {
            _nominateAt = null;
            return;
        }

        // A better pair is worth waiting for if it has not been checked yet, or if its check went out no earlier
        // than the one that just succeeded: it can still answer within about one round trip of its sending. A
        // better pair whose check went out earlier and is still unanswered is slower or dead (a private address
        // of another network, a filtering NAT); waiting for it costs a round trip for nothing, and a triggered
        // check (sent when the peer's check arrives) makes it count again.
        // A relay costs the server's bandwidth and a detour, so while any direct pair is still being checked it
        // waits at least RelayNominationDelay: enough for a lost check to be retransmitted once.
        var relayed = best.Kind == CandidateType.Relayed;
        var sentAt = relayed ? TimeSpan.MinValue : best.CheckedPair.SucceededCheckSentAt;
        var rtt = best.RoundTripTime ?? _options.CheckRto;
        var deadline = TimeSpan.MinValue;
        foreach (var p in _checklist.Pairs)
        {
            if (p.Priority <= best.CheckedPair.Priority)
            {
                break;
            }

            var expected = p.State switch
            {
                CandidatePairState.Frozen or CandidatePairState.Waiting => now + _options.CheckInterval + (rtt * 1.25),
                CandidatePairState.InProgress when p.LastCheckSentAt >= sentAt => p.LastCheckSentAt + (rtt * 1.25),
                _ => TimeSpan.MinValue,
            };
            deadline = Max(deadline, expected);
        }

        if (deadline > TimeSpan.MinValue)
        {
            _nominationAnchor ??= now;
            var floor = _nominationAnchor.Value + (relayed ? _options.RelayNominationDelay : _options.NominationDelay);
            var cap = _nominationAnchor.Value + _options.MaxNominationDelay;
            _nominateAt = Min(Max(deadline, floor), cap);
            if (now < _nominateAt)
            {
                return;
            }
        }

        _nominationAnchor = null;
        _nominateAt = null;
        _nominating = best;
        SendCheck(best.CheckedPair, nominates: best);
    }

    private void Select(CandidatePair valid)
    {
        if (_selected is not null)
        {
            return;
        }

        valid.Nominated = true;
        Volatile.Write(ref _selected, valid);
        _nominating = null;
        _nominateAt = null;
        _checklist.StopPendingChecks();
        var now = Now;
        TimeToConnected = now;
        _consentExpiresAt = now + _options.ConsentTimeout;
        _nextConsentAt = now + NextConsentInterval();
        IceLog.Selected(_logger, valid.Kind, valid);
        SetState(IceAgentState.Connected);
    }

    /// <summary>RFC 7675 section 5.1: a consent check every interval, randomised by ±20% so peers do not synchronise.</summary>
    private TimeSpan NextConsentInterval() => _options.ConsentInterval * (0.8 + (0.4 * _random.NextDouble()));

    private void ServiceConsent(TimeSpan now)
    {
        if (now >= _consentExpiresAt)
        {
            Fail($"consent lost: no answer from the peer on the selected pair for {_options.ConsentTimeout.TotalSeconds:F0} s");
            return;
        }

        if (now >= _nextConsentAt && _selected is not null)
        {
            _nextConsentAt = now + NextConsentInterval();
            SendCheck(_selected.CheckedPair, nominates: null, IceTransactionKind.Consent);
        }
    }

    private void CheckForFailure(TimeSpan now)
    {
        if (_selected is not null)
        {
            return;
        }

        if (now >= _connectDeadline)
        {
            var tried = _checklist.Pairs.Count;
            Fail(tried == 0
                ? $"no candidate pairs to check after {_options.ConnectTimeout.TotalSeconds:F0} s (no compatible candidates from the peer)"
                : $"none of {tried} candidate pairs was selected within {_options.ConnectTimeout.TotalSeconds:F0} s");
            return;
        }

        // With both sides' candidates complete and every pair failed, waiting longer cannot help (section
        // 7.2.5.3.3). An empty checklist is left to the timeout: the peer's checks may still bring a
        // peer-reflexive candidate.
        if (GatheringComplete && _remoteEndOfCandidates && _remoteCredentials is not null
            && _valid.Count == 0 && _checklist.AllFailed && _nominating is null)
        {
            Fail($"all {_checklist.Pairs.Count} candidate pairs failed their connectivity checks");
        }
    }
}
