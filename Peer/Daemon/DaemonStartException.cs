namespace Mesh.Peer.Daemon;

/// <summary>The daemon cannot start; the message says why in terms the user can act on.</summary>
internal sealed class DaemonStartException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DaemonStartException()
    {
    }

    /// <summary>Creates the exception with a message for the user.</summary>
    public DaemonStartException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public DaemonStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
