using System.Net;

namespace Mesh.Transport.Stun;

/// <summary>A response to a request sent by a <see cref="StunClient"/>.</summary>
/// <param name="Message">The parsed response (success or error).</param>
/// <param name="From">Where it came from.</param>
/// <param name="RoundTripTime">Time from the send it answers; measured only when it came before any retransmission (Karn), else from the first send.</param>
/// <param name="Transmissions">How many times the request was sent.</param>
public sealed record StunResponse(StunMessage Message, IPEndPoint From, TimeSpan RoundTripTime, int Transmissions)
{
    /// <summary>True for a success response.</summary>
    public bool IsSuccess => Message.Type.Class == StunClass.SuccessResponse;
}
