using System.Net;

namespace Mesh.Transport.Stun;

/// <summary>Sends one datagram to <paramref name="remote"/>: how a <see cref="StunClient"/> puts requests on the wire.</summary>
public delegate void StunDatagramSender(ReadOnlySpan<byte> datagram, IPEndPoint remote);
