using System.Net;
using System.Net.Sockets;
using Mesh.Transport.Stun;

namespace Mesh.Transport.Ice;

// Gathering (RFC 8445 section 5.1.1): host candidates on every usable interface, server-reflexive ones
// from STUN servers, relayed ones from TURN servers; each is signalled as soon as it is known (RFC 8838).
public sealed partial class IceAgent
{
    /// <summary>Binds a socket per usable interface address and starts asking the STUN and TURN servers.</summary>
    public void StartGathering()
    {
        lock (_gate)
        {
            if (_gatheringStarted || State is IceAgentState.Closed or IceAgentState.Failed)
            {
                return;
            }

            _gatheringStarted = true;
            EnterChecking();
            var addresses = _network.GetInterfaceAddresses();
            var index = 0;
            foreach (var address in addresses)
            {
                if (!IsUsable(address))
                {
                    continue;
                }

                GatherHost(address, index++);
            }

            foreach (var @base in _bases.OfType<SocketBase>().ToList())
            {
                foreach (var server in _options.StunServers)
                {
                    if (server.AddressFamily == @base.LocalEndPoint.AddressFamily)
                    {
                        SendServerBinding(@base, server);
                    }
                }
            }

            GatherRelays();
            if (_pendingGathers == 0)
            {
                CompleteGathering();
            }

            Service();
        }
    }

    private bool IsUsable(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            // Link-local addresses need a scope ID on the wire that signalling cannot carry.
            return _options.UseIpv6 && !address.IsIPv6LinkLocal && !address.IsIPv4MappedToIPv6;
        }

        return address.AddressFamily == AddressFamily.InterNetwork;
    }

    private void GatherHost(IPAddress address, int index)
    {
        Net.IUdpEndpoint endpoint;
        try
        {
            endpoint = _network.BindUdp(new IPEndPoint(address, 0));
        }
        catch (SocketException e)
        {
            IceLog.BindFailed(_logger, address, e.Message);
            return;
        }

        var local = new IPEndPoint(address, endpoint.LocalEndPoint.Port);
        var @base = new SocketBase(endpoint, local, index, _options.MaxDatagramSize)
        {
            LocalPreference = CandidatePriority.LocalPreference(address, index),
        };
        _bases.Add(@base);
        var candidate = new Candidate(
            CandidateFoundation.Compute(CandidateType.Host, address, null),
            Component,
            "udp",
            CandidatePriority.Compute(CandidateType.Host, @base.LocalPreference, Component),
            local,
            CandidateType.Host);
        AddLocal(new LocalCandidate(candidate, @base));
        endpoint.Start((data, from) => OnDatagram(@base, data, from));
    }

    private void SendServerBinding(SocketBase @base, IPEndPoint server)
    {
        var request = new StunMessage(StunMessageType.BindingRequest, StunTransactionId.New(_random));
        var bytes = request.ToArray(StunIntegrity.None, default, fingerprint: true);
        var now = Now;
        var transaction = new IceTransaction(request.TransactionId, IceTransactionKind.ServerBinding, @base, server, bytes)
        {
            Server = server,
            SentAt = now,
            Rto = _options.GatherRto,
            NextAt = now + _options.GatherRto,
            Transmissions = 1,
            MaxTransmissions = _options.GatherTransmissions,
        };
        _transactions[request.TransactionId] = transaction;
        _pendingGathers++;
        @base.Send(bytes, server);
    }

    private void OnServerBindingResponse(IceTransaction transaction, StunMessage response, IPEndPoint from)
    {
        if (!from.Equals(transaction.Server))
        {
            return;
        }

        _transactions.Remove(transaction.Id);
        var mapped = response.XorMappedAddress ?? response.MappedAddress;
        if (response.Type.Class == StunClass.SuccessResponse && mapped is not null
            && !_local.Exists(l => ReferenceEquals(l.Base, transaction.Base) && l.Candidate.EndPoint.Equals(mapped)))
        {
            // A mapping equal to the base (no NAT) is the host candidate again and is dropped above.
            var candidate = new Candidate(
                CandidateFoundation.Compute(CandidateType.ServerReflexive, transaction.Base.LocalEndPoint.Address, transaction.Server!.Address),
                Component,
                "udp",
                CandidatePriority.Compute(CandidateType.ServerReflexive, transaction.Base.LocalPreference, Component),
                mapped,
                CandidateType.ServerReflexive,
                transaction.Base.LocalEndPoint);
            AddLocal(new LocalCandidate(candidate, transaction.Base));
        }

        GatherFinished();
    }

    /// <summary>Records a gathered candidate, pairs it (host and relayed ones) with the known remote candidates and signals it.</summary>
    private void AddLocal(LocalCandidate local)
    {
        _local.Add(local);
        if (local.IsPaired)
        {
            foreach (var remote in _remote)
            {
                if (remote.EndPoint.AddressFamily == local.Candidate.EndPoint.AddressFamily)
                {
                    _checklist.Add(local, remote, Role);
                }
            }
        }

        IceLog.Gathered(_logger, local.Candidate);
        CandidateGathered?.Invoke(local.Candidate);
    }

    private void GatherFinished()
    {
        if (--_pendingGathers == 0)
        {
            CompleteGathering();
        }
    }

    private void CompleteGathering()
    {
        if (!GatheringComplete)
        {
            GatheringComplete = true;
            GatheringCompleted?.Invoke();
        }
    }
}
