namespace Mesh.Transport.Stun;

/// <summary>The only exception the STUN codec throws for bad input: the bytes are not a valid STUN message.</summary>
public sealed class StunFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StunFormatException()
    {
    }

    /// <summary>Creates the exception with a reason.</summary>
    public StunFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a reason and a cause.</summary>
    public StunFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
