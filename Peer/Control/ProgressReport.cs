namespace Mesh.Peer.Control;

/// <summary>How far a folder's current scan or sync is.</summary>
/// <param name="Phase"><c>scanning</c> or <c>syncing</c>.</param>
/// <param name="FilesDone">Files hashed or pulled so far.</param>
/// <param name="FilesTotal">Files to hash or pull in all.</param>
/// <param name="BytesDone">Bytes hashed or pulled so far.</param>
/// <param name="BytesTotal">Bytes to hash or pull in all.</param>
/// <param name="BytesPerSecond">Recent rate.</param>
/// <param name="SecondsLeft">Estimated time left at that rate, or null when unknown.</param>
internal sealed record ProgressReport(string Phase, long FilesDone, long FilesTotal, long BytesDone, long BytesTotal, double BytesPerSecond, double? SecondsLeft);
