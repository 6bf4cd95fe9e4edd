namespace Mesh.Peer.Sync;

/// <summary>What a folder is doing, as status reports it.</summary>
internal enum FolderState
{
    /// <summary>In sync with every connected peer as far as it knows.</summary>
    Idle,

    /// <summary>Looking for local changes.</summary>
    Scanning,

    /// <summary>Pulling what peers have and this device needs.</summary>
    Syncing,

    /// <summary>The last pull failed; it is retried.</summary>
    Error,
}
