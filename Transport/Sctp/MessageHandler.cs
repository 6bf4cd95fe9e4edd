namespace Mesh.Transport.Sctp;

/// <summary>Receives one whole user message from an <see cref="Association"/>; the span is valid only during the call.</summary>
public delegate void MessageHandler(ushort streamId, uint ppid, ReadOnlySpan<byte> message);
