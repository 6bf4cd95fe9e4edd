namespace Mesh.Peer.Sync;

/// <summary>What satisfying a need takes.</summary>
internal enum NeedKind
{
    /// <summary>Only the local index changes (a delete of something never here, or identical concurrent content).</summary>
    RecordOnly,

    /// <summary>Create or update a directory.</summary>
    Directory,

    /// <summary>Create or replace a file or symlink.</summary>
    File,

    /// <summary>Remove a file, symlink or directory.</summary>
    Delete,
}
