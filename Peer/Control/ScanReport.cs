namespace Mesh.Peer.Control;

/// <summary>The result of a scan asked for over the control socket.</summary>
/// <param name="Folder">Folder ID.</param>
/// <param name="Path">Folder-relative path scanned when it was one; null for the whole folder or several paths.</param>
/// <param name="Examined">Entries looked at.</param>
/// <param name="Changed">New versions recorded.</param>
/// <param name="HashedBytes">Bytes read to hash changed files.</param>
/// <param name="Paths">Every folder-relative path scanned together in this scan; null for the whole folder.</param>
internal sealed record ScanReport(string Folder, string? Path, int Examined, int Changed, long HashedBytes, IReadOnlyList<string>? Paths = null);
