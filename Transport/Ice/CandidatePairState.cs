namespace Mesh.Transport.Ice;

/// <summary>The state of a candidate pair in a checklist (RFC 8445 section 6.1.2.6).</summary>
public enum CandidatePairState
{
    /// <summary>Not checked yet, and waiting for another pair of its foundation to succeed first.</summary>
    Frozen,

    /// <summary>Ready to be checked when the pacing timer allows.</summary>
    Waiting,

    /// <summary>A check has been sent and its transaction is running.</summary>
    InProgress,

    /// <summary>A check produced a successful, symmetric response.</summary>
    Succeeded,

    /// <summary>The check timed out or failed unrecoverably.</summary>
    Failed,
}
