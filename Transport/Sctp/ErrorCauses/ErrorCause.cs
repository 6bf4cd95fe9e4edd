using System.Text;
using Mesh.Transport.Sctp.Parameters;

namespace Mesh.Transport.Sctp.ErrorCauses;

/// <summary>An error cause as a value: its code and a human-readable detail (sent as the cause's information).</summary>
public readonly record struct ErrorCause(ErrorCauseCode Code, string Detail)
{
    /// <summary>Writes the cause as a TLV (detail as UTF-8, truncated to fit) and returns its padded length.</summary>
    public int WriteTo(Span<byte> destination)
    {
        Span<byte> info = stackalloc byte[Math.Min(Encoding.UTF8.GetMaxByteCount(Detail.Length), 200)];
        var length = Encoding.UTF8.GetBytes(Detail.AsSpan(0, Math.Min(Detail.Length, 60)), info);
        return Parameter.Write(destination, (ushort)Code, info[..length]);
    }

    /// <summary>Describes the first cause in an ABORT or ERROR body, for logs and close reasons.</summary>
    public static string Describe(ReadOnlySpan<byte> causes)
    {
        var reader = new ParameterReader(causes);
        if (!reader.MoveNext())
        {
            return "no cause given";
        }

        var code = (ErrorCauseCode)reader.Current.Type;
        var detail = code is ErrorCauseCode.UserInitiatedAbort or ErrorCauseCode.ProtocolViolation
            ? Encoding.UTF8.GetString(reader.Current.Value[..Math.Min(reader.Current.Value.Length, 200)])
            : string.Empty;
        return detail.Length > 0 ? $"{code}: {detail}" : code.ToString();
    }
}
