using System.Buffers.Binary;

namespace Mesh.Transport.Sctp.Parameters;

/// <summary>The Re-configuration Response parameter (RFC 6525 section 4.4).</summary>
public readonly record struct ReconfigResponse(uint ResponseSequence, ReconfigResult Result)
{
    /// <summary>Parses the parameter's value (the optional TSN fields are ignored).</summary>
    public static bool TryParse(ReadOnlySpan<byte> value, out ReconfigResponse response)
    {
        response = default;
        if (value.Length < 8)
        {
            return false;
        }

        response = new ReconfigResponse(BinaryPrimitives.ReadUInt32BigEndian(value), (ReconfigResult)BinaryPrimitives.ReadUInt32BigEndian(value[4..]));
        return true;
    }

    /// <summary>Writes the whole parameter and returns its length.</summary>
    public int WriteTo(Span<byte> destination)
    {
        Span<byte> value = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(value, ResponseSequence);
        BinaryPrimitives.WriteUInt32BigEndian(value[4..], (uint)Result);
        return Parameter.Write(destination, (ushort)ParameterType.ReconfigResponse, value);
    }
}
