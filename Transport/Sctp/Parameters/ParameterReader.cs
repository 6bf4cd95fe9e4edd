using System.Buffers.Binary;

namespace Mesh.Transport.Sctp.Parameters;

/// <summary>
/// Walks the TLVs of a chunk body (parameters or error causes). <see cref="MoveNext"/> stops at the end
/// or at the first malformed TLV, which <see cref="Malformed"/> then reports.
/// </summary>
public ref struct ParameterReader
{
    private ReadOnlySpan<byte> _rest;

    /// <summary>Starts reading <paramref name="body"/>.</summary>
    public ParameterReader(ReadOnlySpan<byte> body)
    {
        _rest = body;
        Current = default;
        Malformed = false;
    }

    /// <summary>The parameter just read.</summary>
    public Parameter Current { get; private set; }

    /// <summary>True if reading stopped at a TLV whose length does not fit.</summary>
    public bool Malformed { get; private set; }

    /// <summary>Reads the next TLV; false at the end or on a malformed one.</summary>
    public bool MoveNext()
    {
        if (_rest.IsEmpty)
        {
            return false;
        }

        if (_rest.Length < Parameter.HeaderSize)
        {
            Malformed = true;
            return false;
        }

        var type = BinaryPrimitives.ReadUInt16BigEndian(_rest);
        int length = BinaryPrimitives.ReadUInt16BigEndian(_rest[2..]);
        if (length < Parameter.HeaderSize || length > _rest.Length)
        {
            Malformed = true;
            return false;
        }

        Current = new Parameter(type, _rest[Parameter.HeaderSize..length]);
        var padded = Math.Min(Chunks.ChunkHeader.Padded(length), _rest.Length);
        _rest = _rest[padded..];
        return true;
    }
}
