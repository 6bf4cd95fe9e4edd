namespace Mesh.Peer.Links;

/// <summary>Bits of a frame header's flag byte; a receiver refuses bits it does not know.</summary>
[Flags]
internal enum FrameFlags : byte
{
    /// <summary>The payload is the message as it is.</summary>
    None = 0,

    /// <summary>The payload is one zstd frame holding the message (with its content size).</summary>
    Zstd = 1,
}
