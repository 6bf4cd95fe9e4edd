using System.Net;

namespace Mesh.Transport.Netcheck;

/// <summary>What one STUN server said.</summary>
/// <param name="Server">The server.</param>
/// <param name="MappedAddress">Our address as it saw it, or null when it did not answer.</param>
/// <param name="RoundTripTime">The request's round trip, when it answered.</param>
/// <param name="Error">Why there is no mapped address, or null.</param>
public sealed record NetcheckStunResult(IPEndPoint Server, IPEndPoint? MappedAddress, TimeSpan? RoundTripTime, string? Error);
