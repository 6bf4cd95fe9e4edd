namespace Mesh.Peer.Files;

/// <summary>What a directory entry is, as <c>lstat</c> sees it (links are not followed).</summary>
internal enum FileKind
{
    /// <summary>A regular file.</summary>
    File,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A symbolic link.</summary>
    Symlink,

    /// <summary>Anything else (socket, device, FIFO): never synced.</summary>
    Other,
}
