using Mesh.Signalling.Xmpp;
using Mesh.TestSupport;

namespace Mesh.Integration.Xmpp;

/// <summary>Builds clients of ours for the harness's XMPP server accounts.</summary>
internal static class XmppTestClients
{
    public static XmppClientOptions Options(XmppTestServer server, int account, string? resource = null, bool directTls = false) => new()
    {
        Jid = Jid.Parse(server.Jid(account)),
        Password = server.Accounts[account].Password,
        Resource = resource,
        Host = server.Host,
        Port = directTls ? server.DirectTlsPort : server.Port,
        DirectTls = directTls,
        CaFile = server.CaFile,
        ConnectTimeout = TimeSpan.FromSeconds(15),
        IqTimeout = TimeSpan.FromSeconds(10),
        ReconnectInitialDelay = TimeSpan.FromMilliseconds(200),
        ReconnectMaxDelay = TimeSpan.FromSeconds(2),
    };

    public static async Task<XmppClient> ConnectAsync(XmppClientOptions options, CancellationToken cancellationToken)
    {
        var client = new XmppClient(options);
        try
        {
            await client.ConnectAsync(cancellationToken);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits for a presence event matching <paramref name="match"/>; register before it can happen.</summary>
    public static Task<PresenceChangedEventArgs> WaitForPresence(XmppClient client, Func<PresenceChangedEventArgs, bool> match)
    {
        var tcs = new TaskCompletionSource<PresenceChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.PresenceChanged += (_, e) =>
        {
            if (match(e))
            {
                tcs.TrySetResult(e);
            }
        };
        return tcs.Task;
    }
}
