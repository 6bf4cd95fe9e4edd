namespace Mesh.Transport.Ice;

/// <summary>Where an <see cref="IceAgent"/> is in its life.</summary>
public enum IceAgentState
{
    /// <summary>Created; nothing gathered or checked yet.</summary>
    New,

    /// <summary>Gathering and/or running connectivity checks; no pair selected yet.</summary>
    Checking,

    /// <summary>A pair is nominated and selected; data flows; consent is being kept fresh.</summary>
    Connected,

    /// <summary>No pair worked, or consent to send was lost (RFC 7675); see <see cref="IceAgent.FailureReason"/>.</summary>
    Failed,

    /// <summary>Closed by its owner; sockets released.</summary>
    Closed,
}
