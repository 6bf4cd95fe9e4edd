using Mesh.Proto;

namespace Mesh.Peer.Sync;

/// <summary>A peer could not deliver a chunk (error code, timeout, wrong data); the puller asks another.</summary>
internal sealed class ChunkUnavailableException : Exception
{
    /// <summary>Creates the exception without a message.</summary>
    public ChunkUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ChunkUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public ChunkUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a peer's error code.</summary>
    public ChunkUnavailableException(ErrorCode code)
        : base($"peer answered {code}") => Code = code;

    /// <summary>The peer's error code, if it sent one.</summary>
    public ErrorCode Code { get; }
}
