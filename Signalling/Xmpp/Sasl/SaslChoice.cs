namespace Mesh.Signalling.Xmpp.Sasl;

/// <summary>The mechanism picked for a login, and the GS2 channel-binding flag that goes with it.</summary>
internal sealed record SaslChoice(string Mechanism, string Gs2Flag, ChannelBinding? Binding);
