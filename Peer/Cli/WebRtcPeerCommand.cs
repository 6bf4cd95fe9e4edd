using System.CommandLine;
using System.Diagnostics;
using Mesh.Transport.Certificates;
using Mesh.Transport.DataChannels;
using Mesh.Transport.Net;
using Mesh.Transport.Sdp;
using Mesh.Transport.WebRtc;

namespace Mesh.Peer.Cli;

/// <summary>
/// <c>mesh webrtc-peer --role offer|answer --mode echo|send|recv|echotest [--mib N] [--msg BYTES] [--timeout SECONDS]</c>:
/// the interop and benchmark driver. It exchanges descriptions as JSON lines on stdin/stdout (no trickle),
/// connects ICE (UDP host candidates), DTLS and SCTP, and runs one mode on the reliable ordered channel
/// <c>bench</c> that the offerer opens; it ends with one <c>{"type":"result",…}</c> line. Logs go to stderr.
/// Exit 0 on success, 1 on failure, 2 on bad usage.
/// </summary>
internal sealed class WebRtcPeerCommand : IMeshCommand
{
    /// <inheritdoc/>
    public Command Create()
    {
        var role = new Option<string>("--role") { Description = "offer or answer.", Required = true };
        var mode = new Option<string>("--mode") { Description = "echo, send, recv or echotest.", Required = true };
        var mib = new Option<int>("--mib") { Description = "MiB to send in send mode.", DefaultValueFactory = _ => 64 };
        var msg = new Option<int>("--msg") { Description = "Bytes per message in send mode.", DefaultValueFactory = _ => 65536 };
        var timeout = new Option<int>("--timeout") { Description = "Seconds before giving up.", DefaultValueFactory = _ => 120 };
        var command = new Command("webrtc-peer", "Interop and benchmark peer: one WebRTC data channel, descriptions as JSON lines on stdin/stdout.");
        command.Options.Add(role);
        command.Options.Add(mode);
        command.Options.Add(mib);
        command.Options.Add(msg);
        command.Options.Add(timeout);
        command.SetAction(async (parseResult, ct) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var roleValue = parseResult.GetValue(role);
            var modeValue = parseResult.GetValue(mode);
            var mibValue = parseResult.GetValue(mib);
            var msgValue = parseResult.GetValue(msg);
            var timeoutValue = parseResult.GetValue(timeout);
            if (roleValue is not ("offer" or "answer") || modeValue is not ("echo" or "send" or "recv" or "echotest")
                || mibValue < 0 || msgValue is < 1 or > 256 * 1024 || timeoutValue < 1)
            {
                await error.WriteLineAsync("mesh webrtc-peer: --role offer|answer --mode echo|send|recv|echotest [--mib N] [--msg 1..262144] [--timeout SECONDS]").ConfigureAwait(false);
                return 2;
            }

            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(TimeSpan.FromSeconds(timeoutValue));
            var result = await RunAsync(roleValue == "offer", modeValue!, mibValue * 1024L * 1024, msgValue, Console.In, output, error, cts.Token).ConfigureAwait(false);
            await output.WriteLineAsync(result.ToLine()).ConfigureAwait(false);
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            return result.Success ? 0 : 1;
        });
        return command;
    }

    internal static async Task<WebRtcPeerResult> RunAsync(bool offerer, string mode, long bytes, int messageSize, TextReader input, TextWriter output, TextWriter log, CancellationToken ct)
    {
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        WebRtcPeerResult result;
        DataChannelConnection? connection = null;
        try
        {
            var certificate = DeviceCertificate.Generate("mesh-webrtc-peer", DateTimeOffset.UtcNow);
            using var endpoint = await WebRtcEndpoint.CreateAsync(new SocketNetwork(), certificate, offerer, cancellationToken: ct).ConfigureAwait(false);
            DataChannelDescription local, remote;
            if (offerer)
            {
                local = endpoint.Describe();
                await WriteLineAsync(output, WebRtcPeerSignal.DescriptionLine(SdpType.Offer, local)).ConfigureAwait(false);
                remote = await WebRtcPeerSignal.ReadDescriptionAsync(input, SdpType.Answer, ct).ConfigureAwait(false);
            }
            else
            {
                remote = await WebRtcPeerSignal.ReadDescriptionAsync(input, SdpType.Offer, ct).ConfigureAwait(false);
                local = endpoint.Describe(remote);
                await WriteLineAsync(output, WebRtcPeerSignal.DescriptionLine(SdpType.Answer, local)).ConfigureAwait(false);
            }

            await log.WriteLineAsync($"webrtc-peer: {(offerer ? "offerer" : "answerer")}, {local.Candidates.Count} local and {remote.Candidates.Count} remote candidates").ConfigureAwait(false);
            var incoming = new TaskCompletionSource<DataChannel>(TaskCreationOptions.RunContinuationsAsynchronously);
            connection = await endpoint.ConnectAsync(local, remote, ct).ConfigureAwait(false);
            connection.ChannelOpened += c =>
            {
                if (c.Label == "bench")
                {
                    incoming.TrySetResult(c);
                }
            };
            await log.WriteLineAsync($"webrtc-peer: connected as DTLS {connection.Role} over {endpoint.Ice.SelectedPair}").ConfigureAwait(false);
            var channel = offerer ? connection.OpenChannel("bench") : await incoming.Task.WaitAsync(ct).ConfigureAwait(false);
            var modes = new WebRtcPeerModes(channel, log);
            result = mode switch
            {
                "send" => await modes.SendAsync(bytes, messageSize, ct).ConfigureAwait(false),
                "recv" => await modes.ReceiveAsync(ct).ConfigureAwait(false),
                "echo" => await modes.EchoAsync(ct).ConfigureAwait(false),
                _ => await modes.EchoTestAsync(ct).ConfigureAwait(false),
            };

            await LogStatisticsAsync(log, connection).ConfigureAwait(false);

            // Let the last messages (the ack, the bye, the final echoes) be acknowledged before closing.
            var drained = Stopwatch.StartNew();
            while (connection.Association.BufferedAmount > 0 && drained.Elapsed < TimeSpan.FromSeconds(5) && !ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            result = new WebRtcPeerResult { Error = "timed out" };
            if (connection is not null)
            {
                await LogStatisticsAsync(log, connection).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or IOException or Transport.Dtls.DtlsException or System.Text.Json.JsonException or ArgumentException)
        {
            result = new WebRtcPeerResult { Error = e.Message };
        }

        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        if (result.Error is not null)
        {
            await log.WriteLineAsync("webrtc-peer: " + result.Error).ConfigureAwait(false);
        }

        return result with { CpuSeconds = cpu };
    }

    private static Task LogStatisticsAsync(TextWriter log, DataChannelConnection connection)
    {
        var association = connection.Association;
        var stats = association.Statistics;
        return log.WriteLineAsync(
            $"webrtc-peer: sctp {association.State} ({association.CloseReason}), packets {stats.PacketsSent} sent / {stats.PacketsReceived} received / {stats.PacketsDropped} dropped, " +
            $"data chunks {stats.DataChunksSent}, retransmissions {stats.Retransmissions} (fast {stats.FastRetransmissions}, T3 expiries {stats.Timeouts}), " +
            $"duplicates received {stats.DuplicatesReceived}, cwnd {association.CongestionWindow}, srtt {association.SmoothedRtt.TotalMilliseconds:F1} ms");
    }

    private static async Task WriteLineAsync(TextWriter output, string line)
    {
        await output.WriteLineAsync(line).ConfigureAwait(false);
        await output.FlushAsync().ConfigureAwait(false);
    }
}
