namespace Mesh.Transport.Dtls;

/// <summary>The DTLS layer's one exception: a handshake that failed, timed out or was refused.</summary>
public sealed class DtlsException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public DtlsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure beneath it.</summary>
    public DtlsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public DtlsException()
    {
    }
}
