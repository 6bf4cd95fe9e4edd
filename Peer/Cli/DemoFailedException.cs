namespace Mesh.Peer.Cli;

/// <summary><c>mesh demo</c> found the two copies differ; the message says how.</summary>
internal sealed class DemoFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DemoFailedException()
    {
    }

    /// <summary>Creates the exception with a message for the user.</summary>
    public DemoFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public DemoFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
