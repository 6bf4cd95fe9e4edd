namespace Mesh.Chunking;

/// <summary>A manifest that does not add up: its chunk list, size, parameter id or hashes are inconsistent.</summary>
public sealed class InvalidManifestException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public InvalidManifestException()
        : base("invalid manifest")
    {
    }

    /// <summary>Creates the exception with a message that says what does not add up.</summary>
    public InvalidManifestException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public InvalidManifestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
