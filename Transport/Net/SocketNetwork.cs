using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Transport.Net;

/// <summary>
/// The real network, over <see cref="System.Net.Sockets"/>. This is the one place in Mesh that creates
/// sockets; everything above takes an <see cref="INetwork"/>, so the simulator can swap in its own.
/// </summary>
public sealed class SocketNetwork : INetwork
{
    private readonly ILogger logger;

    /// <summary>Creates the real network; <paramref name="logger"/> hears about failing receive handlers.</summary>
    public SocketNetwork(ILogger<SocketNetwork>? logger = null)
    {
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>One shared instance without logging.</summary>
    public static SocketNetwork Instance { get; } = new();

    /// <inheritdoc/>
    public IUdpEndpoint BindUdp(IPEndPoint local)
    {
        ArgumentNullException.ThrowIfNull(local);
        var socket = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (local.AddressFamily == AddressFamily.InterNetworkV6 && local.Address.Equals(IPAddress.IPv6Any))
            {
                // An unspecified IPv6 bind serves both families, as callers of "any" expect.
                socket.DualMode = true;
            }

            socket.Bind(local);
            return new SocketUdpEndpoint(socket, logger);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<ITcpConnection> ConnectTcpAsync(IPEndPoint remote, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remote);
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(remote, cancellationToken).ConfigureAwait(false);
            return new SocketTcpConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public ITcpListener ListenTcp(IPEndPoint local)
    {
        ArgumentNullException.ThrowIfNull(local);
        var socket = new Socket(local.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (local.AddressFamily == AddressFamily.InterNetworkV6 && local.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(local);
            socket.Listen(128);
            return new SocketTcpListener(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<IPAddress> GetInterfaceAddresses()
    {
        var addresses = new List<IPAddress>();
        var loopback = new List<IPAddress>();
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            // Linux reports "Unknown" for some working virtual links (tunnels, some veths), so only "Down"
            // and friends are excluded.
            if (nic.OperationalStatus is OperationalStatus.Down or OperationalStatus.NotPresent or OperationalStatus.LowerLayerDown)
            {
                continue;
            }

            var isLoopback = nic.NetworkInterfaceType == NetworkInterfaceType.Loopback;
            IPInterfaceProperties properties;
            try
            {
                properties = nic.GetIPProperties();
            }
            catch (NetworkInformationException)
            {
                continue;
            }

            foreach (var unicast in properties.UnicastAddresses)
            {
                var address = unicast.Address;
                if (!IsUsable(address))
                {
                    continue;
                }

                var list = isLoopback || IPAddress.IsLoopback(address) ? loopback : addresses;
                if (!list.Contains(address))
                {
                    list.Add(address);
                }
            }
        }

        // Loopback is a last resort: a host whose only interface is lo can still talk to itself.
        return addresses.Count > 0 ? addresses : loopback;
    }

    private static bool IsUsable(IPAddress address) => address.AddressFamily switch
    {
        AddressFamily.InterNetwork => true,
        // Link-local IPv6 needs a scope id on every use and cannot reach beyond the link, where IPv4
        // or a global IPv6 address does the same job; deprecated/multicast ones are not host addresses.
        AddressFamily.InterNetworkV6 => !address.IsIPv6LinkLocal && !address.IsIPv6Multicast && !address.IsIPv4MappedToIPv6,
        _ => false,
    };
}
