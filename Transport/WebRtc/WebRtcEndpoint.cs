using Mesh.Transport.Certificates;
using Mesh.Transport.DataChannels;
using Mesh.Transport.Dtls;
using Mesh.Transport.Ice;
using Mesh.Transport.Net;
using Mesh.Transport.Sdp;

namespace Mesh.Transport.WebRtc;

/// <summary>
/// One side of a WebRTC data-channel session without trickle: gathers ICE candidates, describes itself as
/// SDP, and from the peer's description connects ICE, DTLS (roles from <c>a=setup</c>, peer checked against
/// its <c>a=fingerprint</c>) and SCTP, yielding a <see cref="DataChannelConnection"/>. This is how a Mesh
/// peer pairs with any WebRTC stack; Jingle carries the same fields.
/// </summary>
public sealed class WebRtcEndpoint : IDisposable
{
    private readonly IceAgent _agent;
    private readonly DeviceCertificate _certificate;
    private readonly WebRtcOptions _options;
    private readonly TaskCompletionSource _gathered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DataChannelConnection? _connection;

    private WebRtcEndpoint(INetwork network, DeviceCertificate certificate, bool offerer, WebRtcOptions options)
    {
        _certificate = certificate;
        _options = options;
        IsOfferer = offerer;
        var ice = options.Ice with { Role = offerer ? IceRole.Controlling : IceRole.Controlled };
        _agent = new IceAgent(network, ice, TimeProvider.System, SecureRandom.Instance);
        _agent.GatheringCompleted += () => _gathered.TrySetResult();
        _agent.StateChanged += state =>
        {
            if (state == IceAgentState.Connected)
            {
                _connected.TrySetResult();
            }
            else if (state is IceAgentState.Failed)
            {
                _connected.TrySetException(new InvalidOperationException("ICE failed: " + (_agent.FailureReason ?? "no pair worked")));
            }
        };
    }

    /// <summary>True for the side that sends the offer.</summary>
    public bool IsOfferer { get; }

    /// <summary>The ICE agent, for its state and selected pair.</summary>
    public IceAgent Ice => _agent;

    /// <summary>Creates the endpoint and gathers its candidates (host candidates are immediate; STUN/TURN ones take a round trip).</summary>
    public static async Task<WebRtcEndpoint> CreateAsync(INetwork network, DeviceCertificate certificate, bool offerer, WebRtcOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(certificate);
        var endpoint = new WebRtcEndpoint(network, certificate, offerer, options ?? new WebRtcOptions());
        try
        {
            endpoint._agent.StartGathering();
            await endpoint._gathered.Task.WaitAsync(endpoint._options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            endpoint.Dispose();
            throw;
        }

        return endpoint;
    }

    /// <summary>This side's description: an offer says <c>a=setup:actpass</c>; an answer picks the opposite of the offer's role (active when it may choose).</summary>
    public DataChannelDescription Describe(DataChannelDescription? offer = null) => new()
    {
        SessionId = (ulong)SecureRandom.Instance.NextInt64(1, long.MaxValue),
        IceUfrag = _agent.LocalCredentials.Ufrag,
        IcePwd = _agent.LocalCredentials.Password,
        Fingerprint = _certificate.Fingerprint,
        Setup = offer is null ? SdpSetup.ActPass : SdpRoles.Answer(offer.Setup),
        Mid = offer?.Mid ?? "0",
        SctpPort = 5000,
        MaxMessageSize = _options.DataChannels.MaxMessageSize,
        Candidates = [.. _agent.LocalCandidates.Select(c => c.ToSdp())],
        EndOfCandidates = true,
    };

    /// <summary>
    /// Connects to the peer described by <paramref name="remote"/>, given this side's own
    /// <paramref name="local"/> description: ICE checks, then the DTLS handshake, then SCTP.
    /// </summary>
    public async Task<DataChannelConnection> ConnectAsync(DataChannelDescription local, DataChannelDescription remote, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(remote);
        var role = SdpRoles.LocalRole(local.Setup, remote.Setup);
        _agent.SetRemoteCredentials(new IceCredentials(remote.IceUfrag, remote.IcePwd));
        foreach (var text in remote.Candidates)
        {
            if (Candidate.TryParse(text, out var candidate))
            {
                _agent.AddRemoteCandidate(candidate);
            }
        }

        if (remote.EndOfCandidates)
        {
            _agent.AddRemoteEndOfCandidates();
        }

        // The DTLS server may listen before ICE completes (its first flight only answers); the client
        // starts once a pair is selected, so its ClientHello is not dropped.
        if (role == DtlsRole.Client)
        {
            await _connected.Task.WaitAsync(_options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        }

        var dtls = await DtlsConnection.HandshakeAsync(_agent.Path, role, _certificate, remote.Fingerprint, _options.Dtls, cancellationToken).ConfigureAwait(false);
        var channels = _options.DataChannels with
        {
            RemoteMaxMessageSize = (int)Math.Min(remote.EffectiveMaxMessageSize, int.MaxValue),
            Sctp = _options.DataChannels.Sctp with { LocalPort = local.SctpPort, RemotePort = remote.SctpPort },
        };
        _connection = await DataChannelConnection.ConnectAsync(dtls, role, channels, cancellationToken).ConfigureAwait(false);
        return _connection;
    }

    /// <summary>Closes the data channels, DTLS and ICE.</summary>
    public void Dispose()
    {
        _connection?.Dispose();
        _agent.Dispose();
    }
}
