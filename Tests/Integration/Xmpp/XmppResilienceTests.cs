using System.Collections.Concurrent;
using System.Diagnostics;
using Mesh.Signalling.Xmpp;
using Mesh.TestSupport;

namespace Mesh.Integration.Xmpp;

/// <summary>Connection loss and server restarts: stream management resumption and reconnecting by itself.</summary>
[Collection(XmppServerCollection.Name)]
public sealed class XmppResilienceTests
{
    [SkippableTheory]
    [InlineData("XMPP")]
    [InlineData("EJABBERD")]
    public async Task Cutting_the_tcp_connection_during_a_burst_loses_and_duplicates_no_message(string serverName)
    {
        var server = TestServers.RequireXmpp(serverName);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var sender = await XmppTestClients.ConnectAsync(XmppTestClients.Options(server, 0, "sm-sender"), cts.Token);
        await using var receiver = await XmppTestClients.ConnectAsync(XmppTestClients.Options(server, 1, "sm-receiver"), cts.Token);
        Assert.True(sender.Session!.StreamManagement);

        const int count = 200;
        var received = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.MessageReceived += (_, e) =>
        {
            if (e.Body is { } body && body.StartsWith("sm-", StringComparison.Ordinal))
            {
                received.AddOrUpdate(body, 1, (_, n) => n + 1);
                if (received.Count == count)
                {
                    all.TrySetResult();
                }
            }
        };
        var senderResumed = WaitOnline(sender);
        var receiverResumed = WaitOnline(receiver);

        for (var i = 0; i < count; i++)
        {
            await sender.SendMessageAsync(receiver.BoundJid!, $"sm-{i}", cancellationToken: cts.Token);
            if (i == count / 3)
            {
                // Both ends lose their TCP connection while messages are in flight.
                await sender.CurrentConnection!.Tcp.DisposeAsync();
            }

            if (i == 2 * count / 3)
            {
                await receiver.CurrentConnection!.Tcp.DisposeAsync();
            }
        }

        await senderResumed.WaitAsync(cts.Token);
        await receiverResumed.WaitAsync(cts.Token);
        await all.Task.WaitAsync(cts.Token);
        await Task.Delay(1000, cts.Token);
        Assert.Equal(count, received.Count);
        Assert.All(received, kv => Assert.Equal(1, kv.Value));
        Assert.True(sender.Session!.Resumed, "the sender's session was not resumed");
        Assert.True(receiver.Session!.Resumed, "the receiver's session was not resumed");
    }

    [SkippableFact]
    public async Task After_the_server_restarts_the_client_comes_back_online_by_itself()
    {
        var server = TestServers.RequireXmpp();
        Skip.If(server.RestartCommand is null, "no restart command");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var client = await XmppTestClients.ConnectAsync(XmppTestClients.Options(server, 2, "restart"), cts.Token);
        var offline = new TaskCompletionSource<OfflineEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Offline += (_, e) => offline.TrySetResult(e);
        var online = WaitOnline(client);

        using (var restart = Process.Start(new ProcessStartInfo(server.RestartCommand!, "2") { UseShellExecute = false })!)
        {
            await restart.WaitForExitAsync(cts.Token);
            Assert.Equal(0, restart.ExitCode);
        }

        var lost = await offline.Task.WaitAsync(cts.Token);
        Assert.True(lost.WillReconnect);
        await online.WaitAsync(cts.Token);
        Assert.True(client.IsOnline);
        Assert.False(client.Session!.Resumed);
        await client.PingAsync(null, cts.Token);
    }

    private static Task WaitOnline(XmppClient client)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Online += (_, _) => tcs.TrySetResult();
        return tcs.Task;
    }
}
