namespace Mesh.Peer.Control;

/// <summary>The control socket cannot be opened: another daemon owns the home, or the path is unusable.</summary>
internal sealed class ControlSocketInUseException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ControlSocketInUseException()
    {
    }

    /// <summary>Creates the exception with a message for the user.</summary>
    public ControlSocketInUseException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ControlSocketInUseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
