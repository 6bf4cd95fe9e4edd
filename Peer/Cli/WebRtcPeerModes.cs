using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Mesh.Transport.DataChannels;

namespace Mesh.Peer.Cli;

/// <summary>What <c>mesh webrtc-peer</c> does on its <c>bench</c> channel in each <c>--mode</c>.</summary>
internal sealed class WebRtcPeerModes
{
    /// <summary>The message sizes <c>echotest</c> sends, each as text and as binary.</summary>
    public static readonly int[] EchoSizes = [0, 1, 100, 1200, 16 * 1024, 64 * 1024 - 1, 64 * 1024, 128 * 1024, 256 * 1024 - 1];

    private readonly DataChannel _channel;
    private readonly Channel<(byte[] Data, bool Text)> _inbox = Channel.CreateUnbounded<(byte[] Data, bool Text)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TextWriter _log;

    public WebRtcPeerModes(DataChannel channel, TextWriter log)
    {
        _channel = channel;
        _log = log;
        channel.Closed += _ => _inbox.Writer.TryComplete();
    }

    /// <summary>Queues every message for the mode's loop (copying it off the receive thread).</summary>
    public void Listen() => _channel.MessageReceived += (_, message, text) => _inbox.Writer.TryWrite((message.ToArray(), text));

    public async Task<WebRtcPeerResult> SendAsync(long bytes, int messageSize, CancellationToken ct)
    {
        Listen();
        await _channel.SendAsync(WebRtcPeerSignal.Json(w =>
        {
            w.WriteStartObject("hdr");
            w.WriteNumber("bytes", bytes);
            w.WriteNumber("msg", messageSize);
            w.WriteEndObject();
        }), ct).ConfigureAwait(false);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // Random content from the platform generator (as the Node peer's crypto.randomBytes): a seeded
        // System.Random took a fifth of the sender's CPU, which measured the benchmark, not the transport.
        // One buffer is reused because a send copies the message into the SCTP queue before it completes.
        var buffer = new byte[messageSize];
        var started = Stopwatch.GetTimestamp();
        for (long sent = 0; sent < bytes;)
        {
            var message = buffer.AsMemory(0, (int)Math.Min(messageSize, bytes - sent));
            RandomNumberGenerator.Fill(message.Span);
            hash.AppendData(message.Span);
            await _channel.SendAsync(message, ct).ConfigureAwait(false);
            sent += message.Length;
        }

        var ours = Convert.ToHexStringLower(hash.GetHashAndReset());
        await _log.WriteLineAsync($"webrtc-peer: sent {bytes} bytes, waiting for the ack").ConfigureAwait(false);
        while (await _inbox.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
        {
            var (data, text) = await _inbox.Reader.ReadAsync(ct).ConfigureAwait(false);
            if (text && WebRtcPeerResult.Field(Encoding.UTF8.GetString(data), "ack") is { } ack)
            {
                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                var theirs = ack.GetProperty("sha256").GetString();
                var count = ack.GetProperty("bytes").GetInt64();
                var ok = count == bytes && string.Equals(theirs, ours, StringComparison.OrdinalIgnoreCase);
                return new WebRtcPeerResult
                {
                    Bytes = bytes,
                    Seconds = seconds,
                    Sha256 = ours,
                    Ok = ok,
                    Error = ok ? null : $"the receiver got {count} bytes with SHA-256 {theirs}",
                };
            }
        }

        return new WebRtcPeerResult { Bytes = bytes, Error = "the channel closed before the ack" };
    }

    public async Task<WebRtcPeerResult> ReceiveAsync(CancellationToken ct)
    {
        var done = new TaskCompletionSource<WebRtcPeerResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long expected = -1, received = 0, started = 0;
        _channel.Closed += _ => done.TrySetResult(new WebRtcPeerResult { Bytes = received, Error = "the channel closed before all data arrived" });
        _channel.MessageReceived += (_, message, text) =>
        {
            if (expected < 0)
            {
                if (text && WebRtcPeerResult.Field(Encoding.UTF8.GetString(message), "hdr") is { } hdr)
                {
                    expected = hdr.GetProperty("bytes").GetInt64();
                    started = Stopwatch.GetTimestamp();
                }

                return;
            }

            hash.AppendData(message);
            received += message.Length;
            if (received >= expected)
            {
                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                done.TrySetResult(new WebRtcPeerResult
                {
                    Bytes = received,
                    Seconds = seconds,
                    Sha256 = Convert.ToHexStringLower(hash.GetHashAndReset()),
                    Error = received == expected ? null : $"received {received} bytes, expected {expected}",
                });
            }
        };
        using var registration = ct.Register(() => done.TrySetCanceled(ct));
        var result = await done.Task.ConfigureAwait(false);
        if (result.Error is null)
        {
            await _channel.SendAsync(WebRtcPeerSignal.Json(w =>
            {
                w.WriteStartObject("ack");
                w.WriteNumber("bytes", result.Bytes);
                w.WriteString("sha256", result.Sha256);
                w.WriteNumber("ms", (long)(result.Seconds * 1000));
                w.WriteEndObject();
            }), ct).ConfigureAwait(false);
        }

        return result;
    }

    public async Task<WebRtcPeerResult> EchoAsync(CancellationToken ct)
    {
        Listen();
        long bytes = 0;
        var started = Stopwatch.GetTimestamp();
        while (await _inbox.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
        {
            var (data, text) = await _inbox.Reader.ReadAsync(ct).ConfigureAwait(false);
            if (text && data.Length < 64 && WebRtcPeerResult.Field(Encoding.UTF8.GetString(data), "bye") is not null)
            {
                break;
            }

            if (text)
            {
                await _channel.SendAsync(Encoding.UTF8.GetString(data), ct).ConfigureAwait(false);
            }
            else
            {
                await _channel.SendAsync(data, ct).ConfigureAwait(false);
            }

            bytes += data.Length;
        }

        return new WebRtcPeerResult { Bytes = bytes, Seconds = Stopwatch.GetElapsedTime(started).TotalSeconds, Ok = true };
    }

    public async Task<WebRtcPeerResult> EchoTestAsync(CancellationToken ct)
    {
        Listen();
        long bytes = 0;
        var started = Stopwatch.GetTimestamp();
        var random = new Random(7);
        foreach (var size in EchoSizes)
        {
            foreach (var asText in new[] { true, false })
            {
                var payload = new byte[size];
                if (asText)
                {
                    for (var i = 0; i < size; i++)
                    {
                        payload[i] = (byte)('a' + random.Next(26));
                    }

                    await _channel.SendAsync(Encoding.ASCII.GetString(payload), ct).ConfigureAwait(false);
                }
                else
                {
                    random.NextBytes(payload);
                    await _channel.SendAsync(payload, ct).ConfigureAwait(false);
                }

                if (!await _inbox.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
                {
                    return new WebRtcPeerResult { Bytes = bytes, Ok = false, Error = $"the channel closed while waiting for the {size}-byte echo" };
                }

                var (echo, echoText) = await _inbox.Reader.ReadAsync(ct).ConfigureAwait(false);
                if (echoText != asText || !echo.AsSpan().SequenceEqual(payload))
                {
                    var kind = asText ? "text" : "binary";
                    return new WebRtcPeerResult
                    {
                        Bytes = bytes,
                        Ok = false,
                        Error = string.Create(CultureInfo.InvariantCulture, $"the {size}-byte {kind} echo came back as {echo.Length} bytes of {(echoText ? "text" : "binary")}, {(echo.AsSpan().SequenceEqual(payload) ? "equal" : "different")}"),
                    };
                }

                bytes += size;
                await _log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"webrtc-peer: echo of {size} bytes ({(asText ? "text" : "binary")}) ok")).ConfigureAwait(false);
            }
        }

        await _channel.SendAsync("{\"bye\":1}", ct).ConfigureAwait(false);
        return new WebRtcPeerResult { Bytes = bytes, Seconds = Stopwatch.GetElapsedTime(started).TotalSeconds, Ok = true };
    }
}
