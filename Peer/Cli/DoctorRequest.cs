namespace Mesh.Peer.Cli;

/// <summary>The options of one <c>mesh doctor</c> run.</summary>
internal sealed record DoctorRequest(string Jid, string? PasswordFile, string? Server, bool DirectTls, string? CaFile, string? Pin);
