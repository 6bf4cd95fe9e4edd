namespace Mesh.Peer.Control;

/// <summary>No daemon answers on the control socket (none running for this home, or it stopped mid-request).</summary>
internal sealed class ControlUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ControlUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message for the user.</summary>
    public ControlUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ControlUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
