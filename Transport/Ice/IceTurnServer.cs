using System.Net;

namespace Mesh.Transport.Ice;

/// <summary>A TURN server to gather relayed candidates from, with long-term credentials (XEP-0215 hands out time-limited ones).</summary>
/// <param name="EndPoint">The server's UDP address.</param>
/// <param name="Username">The TURN username.</param>
/// <param name="Password">The TURN password.</param>
public sealed record IceTurnServer(IPEndPoint EndPoint, string Username, string Password);
