namespace Mesh.TestSupport;

/// <summary>A coturn started by the test harness on loopback, with TURN REST-API (time-limited) credentials.</summary>
/// <param name="Host">Address of the server (loopback).</param>
/// <param name="Port">UDP and TCP port for STUN and TURN.</param>
/// <param name="Secret">The shared secret from which time-limited credentials are derived.</param>
/// <param name="Realm">The server's realm.</param>
public sealed record TurnTestServer(string Host, int Port, string Secret, string Realm);
