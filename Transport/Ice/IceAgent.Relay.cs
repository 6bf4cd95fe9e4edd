using Mesh.Transport.Turn;

namespace Mesh.Transport.Ice;

// Relayed candidates (RFC 8445 section 5.1.1.2): one TURN allocation per configured server, through the
// project's TURN client. The allocation is asynchronous; its completion re-enters the agent under its lock.
public sealed partial class IceAgent
{
    private readonly List<string> _gatheringErrors = [];

    /// <summary>Why a STUN or TURN server gave no candidate (e.g. "TURN 198.51.100.2:3478: 401 ..."); empty when all answered.</summary>
    public IReadOnlyList<string> GatheringErrors
    {
        get
        {
            lock (_gate)
            {
                return [.. _gatheringErrors];
            }
        }
    }

    private void GatherRelays()
    {
        foreach (var server in _options.TurnServers)
        {
            var options = new TurnClientOptions
            {
                Server = server.EndPoint,
                Credentials = new TurnCredentials(server.Username, server.Password),
                Network = _network,
                Time = _time,
                Random = _random,
                Logger = _logger,
                RunContinuationsInline = _options.RunContinuationsInline,
            };
            _pendingGathers++;
            _ = TurnClient.AllocateAsync(options).ContinueWith(
                (task, state) => OnRelayAllocated(task, (IceTurnServer)state!),
                server,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private void OnRelayAllocated(Task<TurnClient> allocation, IceTurnServer server)
    {
        lock (_gate)
        {
            if (!allocation.IsCompletedSuccessfully)
            {
                var error = allocation.Exception?.InnerException?.Message ?? "allocation cancelled";
                _gatheringErrors.Add($"TURN {server.EndPoint}: {error}");
                GatherFinished();
                Service();
                return;
            }

            var client = allocation.Result;
            if (State is IceAgentState.Closed or IceAgentState.Failed)
            {
                client.Dispose();
                return;
            }

            var @base = new RelayBase(client, _options.MaxDatagramSize)
            {
                LocalPreference = CandidatePriority.LocalPreference(client.RelayedAddress.Address, _bases.Count),
            };
            _bases.Add(@base);
            var candidate = new Candidate(
                CandidateFoundation.Compute(CandidateType.Relayed, client.RelayedAddress.Address, server.EndPoint.Address),
                Component,
                "udp",
                CandidatePriority.Compute(CandidateType.Relayed, @base.LocalPreference, Component),
                client.RelayedAddress,
                CandidateType.Relayed,
                client.MappedAddress);
            foreach (var remote in _remote)
            {
                @base.Permit(remote.EndPoint.Address, OnPermitted);
            }

            client.AllocationLost += reason => OnRelayLost(@base, reason);
            client.Start((data, from) => OnDatagram(@base, data, from));
            AddLocal(new LocalCandidate(candidate, @base));
            GatherFinished();
            Service();
        }
    }

    /// <summary>A relay now forwards from <paramref name="peer"/>: re-send at once the checks the server dropped before.</summary>
    private void OnPermitted(RelayBase relay, System.Net.IPAddress peer)
    {
        lock (_gate)
        {
            if (State != IceAgentState.Checking)
            {
                return;
            }

            foreach (var pair in _checklist.Pairs)
            {
                if (ReferenceEquals(pair.LocalCandidate.Base, relay) && pair.Remote.EndPoint.Address.Equals(peer)
                    && pair.State == CandidatePairState.InProgress)
                {
                    pair.State = CandidatePairState.Waiting;
                    _checklist.Trigger(pair);
                }
            }

            Service();
        }
    }

    /// <summary>
    /// The TURN server no longer holds this relay's allocation (it restarted, or closed it itself): its pairs can
    /// never succeed, so they fail now instead of after their checks time out, and the reason is kept in
    /// <see cref="GatheringErrors"/>. If the selected pair was relayed through it, the session has lost its path.
    /// </summary>
    private void OnRelayLost(RelayBase relay, string reason)
    {
        lock (_gate)
        {
            if (relay.Lost || State is IceAgentState.Closed or IceAgentState.Failed)
            {
                return;
            }

            relay.Lost = true;
            _gatheringErrors.Add($"TURN {relay.Server}: the allocation was lost ({reason})");
            if (_selected is not null && ReferenceEquals(_selected.LocalCandidate.Base, relay))
            {
                Fail($"the TURN allocation on {relay.Server} that carried the selected pair was lost ({reason})");
                return;
            }

            if (_nominating is not null && ReferenceEquals(_nominating.LocalCandidate.Base, relay))
            {
                _nominating = null;
            }

            _valid.RemoveAll(v => ReferenceEquals(v.LocalCandidate.Base, relay));
            foreach (var pair in _checklist.Pairs)
            {
                if (ReferenceEquals(pair.LocalCandidate.Base, relay))
                {
                    pair.State = CandidatePairState.Failed;
                }
            }

            foreach (var id in _transactions.Where(t => ReferenceEquals(t.Value.Base, relay)).Select(t => t.Key).ToList())
            {
                _transactions.Remove(id);
            }

            Service();
        }
    }

    /// <summary>Lets every relay accept checks and data from a new remote candidate's address.</summary>
    private void PermitOnRelays(Candidate remote)
    {
        foreach (var @base in _bases)
        {
            if (@base is RelayBase relay)
            {
                relay.Permit(remote.EndPoint.Address, OnPermitted);
            }
        }
    }
}
