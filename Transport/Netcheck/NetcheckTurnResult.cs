using System.Net;
using Mesh.Transport.Turn;

namespace Mesh.Transport.Netcheck;

/// <summary>What the TURN server said.</summary>
/// <param name="Server">The server.</param>
/// <param name="Transport">UDP or TCP to it.</param>
/// <param name="RelayedAddress">The relayed address of the allocation, or null when allocating failed.</param>
/// <param name="MappedAddress">Our address as the TURN server saw it.</param>
/// <param name="Error">Why allocating failed, or null.</param>
/// <param name="AuthenticationFailed">True when the server refused the username or password.</param>
public sealed record NetcheckTurnResult(IPEndPoint Server, TurnTransport Transport, IPEndPoint? RelayedAddress, IPEndPoint? MappedAddress,
    string? Error, bool AuthenticationFailed)
{
    /// <summary>True when the allocation succeeded.</summary>
    public bool Succeeded => RelayedAddress is not null;
}
