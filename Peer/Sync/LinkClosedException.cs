namespace Mesh.Peer.Sync;

/// <summary>A link failed or was closed under an operation.</summary>
internal sealed class LinkClosedException : Exception
{
    /// <summary>Creates the exception without a message.</summary>
    public LinkClosedException()
        : base("The link is closed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public LinkClosedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public LinkClosedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
