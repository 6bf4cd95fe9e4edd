namespace Mesh.Peer.Sync;

/// <summary>One name could not be pulled this time (no peer delivered, verification failed); it is retried.</summary>
internal sealed class PullException : Exception
{
    /// <summary>Creates the exception without a message.</summary>
    public PullException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public PullException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public PullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
