using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Mesh.Transport.Netcheck;
using Mesh.Transport.Turn;

namespace Mesh.Peer.Cli;

/// <summary>
/// <c>mesh netcheck --stun HOST:PORT [--stun HOST2:PORT2] [--turn HOST:PORT --turn-user U --turn-password P] [--json]</c>:
/// from one UDP socket, asks each STUN server for our mapped address, says whether the mapping varies
/// by destination (whether hole punching can work) and whether UDP works at all; with <c>--turn</c>,
/// tries a relay allocation. Exit 0 when the checks ran (whatever they found), 1 when they could not
/// run, 2 for bad usage. The TURN password is never printed.
/// </summary>
internal sealed class NetcheckCommand : IMeshCommand
{
    private const int DefaultPort = 3478;

    /// <inheritdoc/>
    public Command Create()
    {
        var stun = new Option<string[]>("--stun") { Description = "A STUN server as HOST:PORT; repeat for more (two or more show whether the mapping varies).", AllowMultipleArgumentsPerToken = false };
        var turn = new Option<string?>("--turn") { Description = "A TURN server as HOST:PORT to try a relay allocation on." };
        var turnUser = new Option<string?>("--turn-user") { Description = "TURN username (for XEP-0215/REST credentials: expiry:name)." };
        var turnPassword = new Option<string?>("--turn-password") { Description = "TURN password." };
        var turnTcp = new Option<bool>("--turn-tcp") { Description = "Reach the TURN server over TCP instead of UDP." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text." };
        var command = new Command("netcheck", "Check this network: local addresses, mapped address per STUN server, NAT mapping behaviour, UDP, TURN relay.");
        foreach (var option in new Option[] { stun, turn, turnUser, turnPassword, turnTcp, json })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, ct) => await RunAsync(
            new NetcheckArguments(
                parseResult.GetValue(stun) ?? [],
                parseResult.GetValue(turn),
                parseResult.GetValue(turnUser),
                parseResult.GetValue(turnPassword),
                parseResult.GetValue(turnTcp),
                parseResult.GetValue(json)),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error,
            ct).ConfigureAwait(false));
        return command;
    }

    /// <summary>Runs the checks and prints the report; 0 when they ran, 1 when they could not, 2 for bad usage.</summary>
    internal static async Task<int> RunAsync(NetcheckArguments arguments, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (arguments.Stun.Count == 0 && arguments.Turn is null)
        {
            await error.WriteLineAsync("mesh netcheck: give at least one --stun HOST:PORT (or --turn HOST:PORT)").ConfigureAwait(false);
            return 2;
        }

        if (arguments.Turn is not null && (string.IsNullOrEmpty(arguments.TurnUser) || arguments.TurnPassword is null))
        {
            await error.WriteLineAsync("mesh netcheck: --turn needs --turn-user and --turn-password").ConfigureAwait(false);
            return 2;
        }

        foreach (var server in arguments.Stun.Append(arguments.Turn).OfType<string>())
        {
            if (!TrySplitHostPort(server, out _, out _))
            {
                await error.WriteLineAsync($"mesh netcheck: '{server}' is not HOST:PORT").ConfigureAwait(false);
                return 2;
            }
        }

        NetcheckReport report;
        try
        {
            var stunServers = new List<IPEndPoint>();
            foreach (var server in arguments.Stun)
            {
                stunServers.Add(await ResolveAsync(server, ct).ConfigureAwait(false));
            }

            var turnServer = arguments.Turn is null ? null : await ResolveAsync(arguments.Turn, ct).ConfigureAwait(false);
            report = await NetworkCheck.RunAsync(new NetcheckOptions
            {
                StunServers = stunServers,
                TurnServer = turnServer,
                TurnCredentials = turnServer is null ? null : new TurnCredentials(arguments.TurnUser!, arguments.TurnPassword!),
                TurnTransport = arguments.TurnTcp ? TurnTransport.Tcp : TurnTransport.Udp,
            }, ct).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            await error.WriteLineAsync($"mesh netcheck: cannot run the checks: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (ResolveException e)
        {
            await error.WriteLineAsync($"mesh netcheck: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        await output.WriteAsync(arguments.Json ? report.ToJson() + Environment.NewLine : report.ToText()).ConfigureAwait(false);
        await output.FlushAsync(ct).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Splits HOST:PORT, [IPv6]:PORT or a bare host (port 3478).</summary>
    internal static bool TrySplitHostPort(string text, out string host, out int port)
    {
        host = string.Empty;
        port = DefaultPort;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        string portText;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            host = text[1..close];
            var rest = text[(close + 1)..];
            if (rest.Length == 0)
            {
                return IPAddress.TryParse(host, out _);
            }

            if (rest[0] != ':')
            {
                return false;
            }

            portText = rest[1..];
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon < 0 || text.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                // No port, or a bare IPv6 address.
                host = text;
                return colon < 0 || IPAddress.TryParse(text, out _);
            }

            host = text[..colon];
            portText = text[(colon + 1)..];
        }

        return host.Length > 0
            && int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port)
            && port is > 0 and < 65536;
    }

    private static async Task<IPEndPoint> ResolveAsync(string server, CancellationToken ct)
    {
        TrySplitHostPort(server, out var host, out var port);
        if (IPAddress.TryParse(host, out var address))
        {
            return new IPEndPoint(address, port);
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false);
            var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
                ?? throw new ResolveException($"'{host}' has no address");
            return new IPEndPoint(chosen, port);
        }
        catch (SocketException e)
        {
            throw new ResolveException($"cannot resolve '{host}': {e.Message}");
        }
    }

    /// <summary>A server name that does not resolve: the checks cannot run.</summary>
    private sealed class ResolveException(string message) : Exception(message);
}

/// <summary>The parsed options of <c>mesh netcheck</c>.</summary>
internal sealed record NetcheckArguments(IReadOnlyList<string> Stun, string? Turn, string? TurnUser, string? TurnPassword, bool TurnTcp, bool Json);
