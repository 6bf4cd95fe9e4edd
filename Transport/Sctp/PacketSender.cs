namespace Mesh.Transport.Sctp;

/// <summary>Sends one SCTP packet down to the lower layer (DTLS); the span is valid only during the call.</summary>
public delegate void PacketSender(ReadOnlySpan<byte> packet);
