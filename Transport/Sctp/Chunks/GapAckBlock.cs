namespace Mesh.Transport.Sctp.Chunks;

/// <summary>One gap ack block of a SACK: TSNs cumulative+<see cref="Start"/> to cumulative+<see cref="End"/> arrived.</summary>
public readonly record struct GapAckBlock(ushort Start, ushort End);
