namespace Mesh.Peer.Control;

/// <summary>
/// What this device knows of a peer's copy of one shared folder, from the index the peer announced:
/// whether it has everything this device has ("B has it all and A knows it").
/// </summary>
/// <param name="Id">Folder ID.</param>
/// <param name="NeedFiles">Names this device has in a version the peer has not announced (new, newer or deleted here).</param>
/// <param name="NeedBytes">Bytes of those names' files.</param>
/// <param name="LocalSequence">This device's highest sequence in the folder.</param>
/// <param name="RemoteSequence">The highest of the peer's sequences stored here.</param>
internal sealed record PeerFolderReport(string Id, long NeedFiles, long NeedBytes, ulong LocalSequence, ulong RemoteSequence);
