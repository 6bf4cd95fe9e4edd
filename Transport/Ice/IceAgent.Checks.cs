using System.Net;
using Mesh.Transport.Stun;

namespace Mesh.Transport.Ice;

// Connectivity checks: sending them, answering the peer's, handling responses and timeouts (RFC 8445 section 7).
public sealed partial class IceAgent
{
    /// <summary>Sends a check on <paramref name="pair"/>; with <paramref name="nominates"/> it carries USE-CANDIDATE for that valid pair.</summary>
    private void SendCheck(CandidatePair pair, CandidatePair? nominates, IceTransactionKind kind = IceTransactionKind.Check)
    {
        var @base = pair.LocalCandidate.Base;
        var priority = CandidatePriority.Compute(CandidateType.PeerReflexive, @base.LocalPreference, Component);
        var request = new StunMessage(StunMessageType.BindingRequest, StunTransactionId.New(_random))
        {
            Username = _remoteCredentials!.Ufrag + ":" + LocalCredentials.Ufrag,
            Priority = priority,
            UseCandidate = nominates is not null,
        };
        if (Role == IceRole.Controlling)
        {
            request.IceControlling = _tiebreaker;
        }
        else
        {
            request.IceControlled = _tiebreaker;
        }

        var bytes = request.ToArray(StunIntegrity.Sha1, _remoteKey, fingerprint: true);
        var now = Now;
        var transaction = new IceTransaction(request.TransactionId, kind, @base, pair.Remote.EndPoint, bytes)
        {
            Pair = pair,
            Nominates = nominates,
            Role = Role,
            Priority = priority,
            SentAt = now,
            Rto = _options.CheckRto,
            Transmissions = 1,
            MaxTransmissions = kind == IceTransactionKind.Consent ? 1 : _options.CheckTransmissions,
        };

        // A consent check is sent once; its answer may come any time before consent expires.
        transaction.NextAt = now + (kind == IceTransactionKind.Consent ? _options.ConsentTimeout : transaction.Rto);
        if (kind == IceTransactionKind.Check && nominates is null)
        {
            // A newer check on the same pair supersedes an older one still in flight (section 7.3.1.4).
            foreach (var older in _transactions.Values)
            {
                if (ReferenceEquals(older.Pair, pair) && older.Kind == IceTransactionKind.Check && older.Nominates is null)
                {
                    older.Retransmit = false;
                }
            }

            pair.State = CandidatePairState.InProgress;
            pair.LastCheckSentAt = now;
        }

        _transactions[request.TransactionId] = transaction;
        if (kind != IceTransactionKind.Consent)
        {
            pair.ChecksSent++;
            ChecksSent++;
        }

        @base.Send(bytes, pair.Remote.EndPoint);
    }

    private void OnStun(CandidateBase @base, StunMessage message, IPEndPoint from)
    {
        switch (message.Type.Class)
        {
            case StunClass.Request when message.Type.Method == StunMethod.Binding:
                OnCheckRequest(@base, message, from);
                break;
            case StunClass.SuccessResponse or StunClass.ErrorResponse:
                if (_transactions.TryGetValue(message.TransactionId, out var transaction) && ReferenceEquals(transaction.Base, @base))
                {
                    OnResponse(transaction, message, from);
                }

                break;
            default:
                // Binding indications are keepalives; nothing to do.
                break;
        }
    }

    /// <summary>A check from the peer (section 7.3): authenticate, resolve role conflicts, answer, learn a peer-reflexive candidate, trigger our own check.</summary>
    private void OnCheckRequest(CandidateBase @base, StunMessage request, IPEndPoint from)
    {
        var username = request.Username;
        var colon = username?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (username is null || colon < 0 || !request.HasFingerprint
            || !username.AsSpan(0, colon).SequenceEqual(LocalCredentials.Ufrag)
            || !request.CheckIntegrity(_localKey))
        {
            // Unauthenticated checks get no answer: answering would make us a reflector for anyone.
            return;
        }

        if (Role == IceRole.Controlling && request.IceControlling is { } theirControlling)
        {
            if (_tiebreaker >= theirControlling)
            {
                Respond(@base, request, from, StunErrorCode.RoleConflict);
                return;
            }

            SwitchRole(IceRole.Controlled);
        }
        else if (Role == IceRole.Controlled && request.IceControlled is { } theirControlled)
        {
            if (_tiebreaker >= theirControlled)
            {
                SwitchRole(IceRole.Controlling);
            }
            else
            {
                Respond(@base, request, from, StunErrorCode.RoleConflict);
                return;
            }
        }

        Respond(@base, request, from, errorCode: null);
        if (State is not IceAgentState.Checking and not IceAgentState.Connected)
        {
            return;
        }

        var remote = _remote.Find(r => r.EndPoint.Equals(from));
        if (remote is null)
        {
            // Section 7.3.1.3: an address we did not know is a peer-reflexive candidate with the priority the peer sent.
            var priority = request.Priority ?? CandidatePriority.Compute(CandidateType.PeerReflexive, 0, Component);
            remote = new Candidate("prflx" + _prflxCount++.ToString(System.Globalization.CultureInfo.InvariantCulture), Component, "udp", priority, from, CandidateType.PeerReflexive);
            _remote.Add(remote);
        }

        var local = _local.Find(l => ReferenceEquals(l.Base, @base) && l.IsPaired);
        if (local is null)
        {
            return;
        }

        var pair = _checklist.Find(@base, from) ?? _checklist.Add(local, remote, Role);
        if (pair is null)
        {
            return;
        }

        if (_selected is null)
        {
            switch (pair.State)
            {
                case CandidatePairState.Succeeded:
                    break;
                case CandidatePairState.InProgress:
                    // Our check may have hit the peer's NAT before its own opened the way; check again now.
                    pair.State = CandidatePairState.Waiting;
                    _checklist.Trigger(pair);
                    break;
                default:
                    _checklist.Trigger(pair);
                    break;
            }
        }

        if (request.UseCandidate && Role == IceRole.Controlled)
        {
            var valid = _valid.Find(v => ReferenceEquals(v.CheckedPair, pair));
            if (valid is not null)
            {
                Select(valid);
            }
            else
            {
                pair.NominateOnSuccess = true;
            }
        }
    }

    private void Respond(CandidateBase @base, StunMessage request, IPEndPoint to, int? errorCode)
    {
        var response = StunMessage.CreateResponse(request, errorCode is null ? StunClass.SuccessResponse : StunClass.ErrorResponse);
        if (errorCode is { } code)
        {
            response.ErrorCode = new StunErrorCode(code, "Role Conflict");
        }
        else
        {
            response.XorMappedAddress = to;
        }

        @base.Send(response.ToArray(StunIntegrity.Sha1, _localKey, fingerprint: true), to);
    }

    private void OnResponse(IceTransaction transaction, StunMessage response, IPEndPoint from)
    {
        if (transaction.Kind == IceTransactionKind.ServerBinding)
        {
            OnServerBindingResponse(transaction, response, from);
            return;
        }

        if (!response.CheckIntegrity(_remoteKey))
        {
            return;
        }

        _transactions.Remove(transaction.Id);
        var pair = transaction.Pair!;
        if (!from.Equals(transaction.Remote))
        {
            // Section 7.2.5.2.1: a response from elsewhere means the path is not symmetric.
            MarkFailed(pair, transaction);
            return;
        }

        if (response.Type.Class == StunClass.ErrorResponse)
        {
            if (response.ErrorCode?.Code == StunErrorCode.RoleConflict)
            {
                // Section 7.2.5.1: switch role unless we already did since sending, then check again.
                if (transaction.Role == Role)
                {
                    SwitchRole(Role == IceRole.Controlling ? IceRole.Controlled : IceRole.Controlling);
                }

                if (transaction.Kind == IceTransactionKind.Check && _selected is null)
                {
                    if (transaction.Nominates is not null)
                    {
                        _nominating = null;
                    }

                    pair.State = CandidatePairState.Waiting;
                    _checklist.Trigger(pair);
                }

                return;
            }

            MarkFailed(pair, transaction);
            return;
        }

        var now = Now;
        if (transaction.Kind == IceTransactionKind.Consent || ReferenceEquals(_selected?.CheckedPair, pair))
        {
            _consentExpiresAt = now + _options.ConsentTimeout;
        }

        if (transaction.Kind == IceTransactionKind.Consent)
        {
            return;
        }

        pair.RoundTripTime = now - transaction.SentAt;
        if (transaction.Nominates is null)
        {
            pair.SucceededCheckSentAt = transaction.SentAt;
        }

        var firstSuccess = pair.State != CandidatePairState.Succeeded;
        pair.State = CandidatePairState.Succeeded;
        if (firstSuccess)
        {
            _checklist.Unfreeze(pair.Foundation);
        }

        var valid = AddValidPair(pair, response.XorMappedAddress, transaction.Priority);
        valid.RoundTripTime = pair.RoundTripTime;
        if (transaction.Nominates is not null)
        {
            _nominating = null;
            if (Role == IceRole.Controlling)
            {
                Select(valid);
            }
        }
        else if (Role == IceRole.Controlled && pair.NominateOnSuccess)
        {
            Select(valid);
        }
    }

    /// <summary>
    /// Builds the valid pair a successful check produced (section 7.2.5.3.2): the local side is the candidate
    /// whose address the peer saw, which is a new peer-reflexive candidate when we did not know that address.
    /// </summary>
    private CandidatePair AddValidPair(CandidatePair pair, IPEndPoint? mapped, uint priority)
    {
        var local = pair.LocalCandidate;
        if (mapped is not null && !mapped.Equals(local.Candidate.EndPoint))
        {
            local = _local.Find(l => ReferenceEquals(l.Base, pair.LocalCandidate.Base) && l.Candidate.EndPoint.Equals(mapped))
                ?? AddPeerReflexive(pair.LocalCandidate.Base, mapped, priority);
        }

        var valid = _valid.Find(v => ReferenceEquals(v.LocalCandidate, local) && v.Remote.EndPoint.Equals(pair.Remote.EndPoint));
        if (valid is null)
        {
            valid = ReferenceEquals(local, pair.LocalCandidate)
                ? pair
                : new CandidatePair(local, pair.Remote, Role, pair.Order) { CheckedPair = pair, State = CandidatePairState.Succeeded };
            _valid.Add(valid);
        }

        return valid;
    }

    private LocalCandidate AddPeerReflexive(CandidateBase @base, IPEndPoint mapped, uint priority)
    {
        var candidate = new Candidate(
            CandidateFoundation.Compute(CandidateType.PeerReflexive, @base.LocalEndPoint.Address, null),
            Component,
            "udp",
            priority,
            mapped,
            CandidateType.PeerReflexive,
            @base.LocalEndPoint);
        var local = new LocalCandidate(candidate, @base);
        _local.Add(local);
        return local;
    }

    private void MarkFailed(CandidatePair pair, IceTransaction transaction)
    {
        if (transaction.Nominates is not null)
        {
            _nominating = null;
            _valid.Remove(transaction.Nominates);
            _valid.RemoveAll(v => ReferenceEquals(v.CheckedPair, pair));
        }

        if (transaction.Kind == IceTransactionKind.Check && pair.State != CandidatePairState.Succeeded)
        {
            pair.State = CandidatePairState.Failed;
        }
    }

    private void ServiceTransactions(TimeSpan now)
    {
        List<IceTransaction>? expired = null;
        foreach (var transaction in _transactions.Values)
        {
            if (transaction.NextAt > now)
            {
                continue;
            }

            if (transaction.Retransmit && transaction.Transmissions < transaction.MaxTransmissions)
            {
                transaction.Transmissions++;
                transaction.Rto = Min(transaction.Rto * 2, transaction.Kind == IceTransactionKind.ServerBinding ? TimeSpan.MaxValue : _options.MaxCheckRto);
                transaction.NextAt = now + transaction.Rto;
                if (transaction.Pair is not null && transaction.Kind == IceTransactionKind.Check)
                {
                    if (transaction.Nominates is null)
                    {
                        transaction.Pair.LastCheckSentAt = now;
                    }

                    transaction.Pair.ChecksSent++;
                    ChecksSent++;
                }

                transaction.Base.Send(transaction.Request, transaction.Remote);
            }
            else
            {
                (expired ??= []).Add(transaction);
            }
        }

        if (expired is null)
        {
            return;
        }

        foreach (var transaction in expired)
        {
            _transactions.Remove(transaction.Id);
            switch (transaction.Kind)
            {
                case IceTransactionKind.ServerBinding:
                    GatherFinished();
                    break;
                case IceTransactionKind.Check when transaction.Retransmit || transaction.Nominates is not null:
                    MarkFailed(transaction.Pair!, transaction);
                    break;
                default:
                    break;
            }
        }
    }

    private void SwitchRole(IceRole role)
    {
        Role = role;
        IceLog.RoleSwitched(_logger, role);
        _checklist.Reprioritise(role);
        foreach (var valid in _valid)
        {
            valid.UpdatePriority(role);
        }

        _nominating = null;
        _nominateAt = null;
        _nominationAnchor = null;
    }
}
