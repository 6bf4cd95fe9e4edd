namespace Mesh.Peer.Control;

/// <summary>The result of a scan asked for over the control socket.</summary>
/// <param name="Folder">Folder ID.</param>
/// <param name="Path">Folder-relative path scanned, or null for the whole folder.</param>
/// <param name="Examined">Entries looked at.</param>
/// <param name="Changed">New versions recorded.</param>
/// <param name="HashedBytes">Bytes read to hash changed files.</param>
internal sealed record ScanReport(string Folder, string? Path, int Examined, int Changed, long HashedBytes);
