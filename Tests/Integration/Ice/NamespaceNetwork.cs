using System.ComponentModel;
using System.Net;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Mesh.Transport.Net;

namespace Mesh.Integration.Ice;

/// <summary>
/// The real socket network as seen from inside a Linux network namespace: every socket is created on a short-lived
/// thread that has joined the namespace (setns), and a socket stays in the namespace it was created in. So two agents
/// in one test process can sit behind two different iptables NATs without spawning processes.
/// </summary>
internal sealed partial class NamespaceNetwork(string name, IPAddress address) : INetwork
{
    private const int CloneNewNet = 0x40000000;

    public IUdpEndpoint BindUdp(IPEndPoint local) => Inside(() => SocketNetwork.Instance.BindUdp(local));

    public ValueTask<ITcpConnection> ConnectTcpAsync(IPEndPoint remote, CancellationToken cancellationToken = default) =>
        new(Inside(() => SocketNetwork.Instance.ConnectTcpAsync(remote, cancellationToken).AsTask()));

    public ITcpListener ListenTcp(IPEndPoint local) => Inside(() => SocketNetwork.Instance.ListenTcp(local));

    public IReadOnlyList<IPAddress> GetInterfaceAddresses() => [address];

    private T Inside<T>(Func<T> create)
    {
        T? result = default;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var home = File.OpenHandle("/proc/thread-self/ns/net");
                using var target = File.OpenHandle(Path.Combine("/var/run/netns", name));
                Join(target);
                try
                {
                    result = create();
                }
                finally
                {
                    Join(home);
                }
            }
            catch (Exception e)
            {
                error = e;
            }
        });
        thread.Start();
        thread.Join();
        if (error is not null)
        {
            throw new InvalidOperationException($"could not create a socket in namespace {name}", error);
        }

        return result!;
    }

    private static void Join(SafeFileHandle handle)
    {
        if (SetNs(handle, CloneNewNet) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError());
        }
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(SafeFileHandle fd, int nstype);
}
