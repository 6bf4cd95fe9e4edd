namespace Mesh.Transport.Turn;

/// <summary>The TURN client's one exception: the server refused (with its error code) or did not answer.</summary>
public sealed class TurnException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TurnException()
    {
    }

    /// <summary>Creates the exception with a reason.</summary>
    public TurnException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a reason and a cause.</summary>
    public TurnException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for an error response.</summary>
    public TurnException(string message, int errorCode)
        : base(message)
    {
        ErrorCode = errorCode;
    }

    /// <summary>The STUN error code of the server's refusal (e.g. 401 for wrong credentials), or null when it did not answer.</summary>
    public int? ErrorCode { get; }

    /// <summary>True when the server refused the credentials.</summary>
    public bool IsAuthenticationFailure => ErrorCode is 401 or 441;
}
