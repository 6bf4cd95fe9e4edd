namespace Mesh.Peer.Cli;

/// <summary>What <c>mesh demo</c> generates and how long it waits.</summary>
/// <param name="Files">Files in the sample tree.</param>
/// <param name="Bytes">Approximate bytes in the sample tree.</param>
/// <param name="Timeout">Give up after this long.</param>
/// <param name="Keep">Leave the temporary folder in place.</param>
/// <param name="Seed">Seed of the tree's contents.</param>
internal sealed record DemoOptions(int Files, long Bytes, TimeSpan Timeout, bool Keep, int Seed);
