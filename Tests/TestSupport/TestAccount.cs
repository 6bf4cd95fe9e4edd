namespace Mesh.TestSupport;

/// <summary>An account the harness registered on a test server.</summary>
/// <param name="User">Local part of the JID.</param>
/// <param name="Password">Its password (test-only; never a real secret).</param>
public sealed record TestAccount(string User, string Password);
