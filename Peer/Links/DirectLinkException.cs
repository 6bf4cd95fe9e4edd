namespace Mesh.Peer.Links;

/// <summary>
/// The direct link layer could not do what was asked: listen on an address, complete a TLS handshake,
/// or accept the device at the other end. The message is meant for the user as it stands.
/// </summary>
internal sealed class DirectLinkException : Exception
{
    /// <summary>Creates the exception without a message.</summary>
    public DirectLinkException()
        : base("The direct link failed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DirectLinkException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public DirectLinkException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
