namespace Mesh.Peer.Scanning;

/// <summary>How far a scan is with the files it has to hash.</summary>
/// <param name="FilesDone">Changed files hashed so far.</param>
/// <param name="FilesTotal">Changed files found.</param>
/// <param name="BytesDone">Bytes hashed so far.</param>
/// <param name="BytesTotal">Bytes of all changed files.</param>
internal readonly record struct ScanProgress(int FilesDone, int FilesTotal, long BytesDone, long BytesTotal);
