using System.Net;
using System.Net.Sockets;
using Mesh.Transport.Stun;
using Mesh.Transport.Turn;

namespace Mesh.Transport.Netcheck;

/// <summary>
/// What <c>mesh netcheck</c> runs: from one UDP socket, a Binding request to each STUN server at once
/// (so differing mapped addresses mean the NAT maps per destination), and optionally a TURN allocation.
/// </summary>
public static class NetworkCheck
{
    /// <summary>
    /// Runs the checks. Throws <see cref="SocketException"/> only when the probing socket cannot be bound
    /// (the checks cannot run); unanswered probes and refused allocations are facts in the report.
    /// </summary>
    public static async Task<NetcheckReport> RunAsync(NetcheckOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var localAddresses = options.Network.GetInterfaceAddresses();
        var ipv6 = options.StunServers.Any(server => server.AddressFamily == AddressFamily.InterNetworkV6);
        using var socket = options.Network.BindUdp(new IPEndPoint(ipv6 ? IPAddress.IPv6Any : IPAddress.Any, options.LocalPort));
        using var client = new StunClient(socket.Send, options.Time, options.Random);
        socket.Start((datagram, remote) => client.OnDatagram(datagram, remote));

        var probes = options.StunServers.Select(server => ProbeAsync(client, server, options.Schedule, cancellationToken)).ToArray();
        var turn = options.TurnServer is { } turnServer
            ? AllocateAsync(options, turnServer, cancellationToken)
            : Task.FromResult<NetcheckTurnResult?>(null);
        var stun = await Task.WhenAll(probes).ConfigureAwait(false);
        return new NetcheckReport(localAddresses, socket.LocalEndPoint, stun, await turn.ConfigureAwait(false));
    }

    private static async Task<NetcheckStunResult> ProbeAsync(StunClient client, IPEndPoint server, StunRetransmission schedule, CancellationToken cancellationToken)
    {
        var response = await client.BindAsync(server, schedule, cancellationToken).ConfigureAwait(false);
        if (response is null)
        {
            return new NetcheckStunResult(server, null, null, $"no answer within {schedule.TotalTimeout.TotalSeconds:0.#} s");
        }

        if (!response.IsSuccess)
        {
            return new NetcheckStunResult(server, null, response.RoundTripTime, $"error response {response.Message.ErrorCode}");
        }

        var mapped = response.Message.XorMappedAddress ?? response.Message.MappedAddress;
        return mapped is null
            ? new NetcheckStunResult(server, null, response.RoundTripTime, "the response has no mapped address")
            : new NetcheckStunResult(server, mapped, response.RoundTripTime, null);
    }

    private static async Task<NetcheckTurnResult?> AllocateAsync(NetcheckOptions options, IPEndPoint server, CancellationToken cancellationToken)
    {
        if (options.TurnCredentials is null)
        {
            return new NetcheckTurnResult(server, options.TurnTransport, null, null, "no TURN username and password given", true);
        }

        try
        {
            await using var turn = await TurnClient.AllocateAsync(new TurnClientOptions
            {
                Server = server,
                Transport = options.TurnTransport,
                Credentials = options.TurnCredentials,
                Network = options.Network,
                Time = options.Time,
                Random = options.Random,
            }, cancellationToken).ConfigureAwait(false);
            return new NetcheckTurnResult(server, options.TurnTransport, turn.RelayedAddress, turn.MappedAddress, null, false);
        }
        catch (TurnException exception)
        {
            return new NetcheckTurnResult(server, options.TurnTransport, null, null, exception.Message, exception.IsAuthenticationFailure);
        }
        catch (SocketException exception)
        {
            return new NetcheckTurnResult(server, options.TurnTransport, null, null, exception.Message, false);
        }
    }
}
