namespace Mesh.Peer.Sync;

/// <summary>How one version vector relates to another.</summary>
internal enum VersionOrdering
{
    /// <summary>Both vectors hold the same counters.</summary>
    Equal,

    /// <summary>The first has seen everything the second has, and more.</summary>
    Greater,

    /// <summary>The second has seen everything the first has, and more.</summary>
    Lesser,

    /// <summary>Each has a change the other has not seen: a conflict unless the contents agree.</summary>
    Concurrent,
}
