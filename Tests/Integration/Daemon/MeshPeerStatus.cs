namespace Mesh.Integration.Daemon;

/// <summary>One peer in <c>mesh status --json</c>.</summary>
internal sealed record MeshPeerStatus(string DeviceId, bool Connected, string? Path, string? Address, long BytesIn, long BytesOut);
