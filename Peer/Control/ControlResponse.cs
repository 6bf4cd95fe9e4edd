namespace Mesh.Peer.Control;

/// <summary>The answer to one <see cref="ControlRequest"/>.</summary>
/// <param name="Ok">Whether the request was carried out.</param>
/// <param name="Error">Why not, when <paramref name="Ok"/> is false.</param>
/// <param name="Status">For <c>status</c>: the daemon's state.</param>
/// <param name="Scans">For <c>scan</c>: one result per folder scanned.</param>
internal sealed record ControlResponse(bool Ok, string? Error = null, StatusReport? Status = null, IReadOnlyList<ScanReport>? Scans = null)
{
    /// <summary>A failed request.</summary>
    public static ControlResponse Failed(string error) => new(false, error);
}
