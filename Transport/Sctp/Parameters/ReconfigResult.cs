namespace Mesh.Transport.Sctp.Parameters;

/// <summary>Results of a re-configuration request (RFC 6525 section 4.4).</summary>
public enum ReconfigResult : uint
{
    /// <summary>Nothing to do.</summary>
    SuccessNothingToDo = 0,

    /// <summary>The reset was performed.</summary>
    SuccessPerformed = 1,

    /// <summary>Denied.</summary>
    Denied = 2,

    /// <summary>Wrong SSN.</summary>
    ErrorWrongSsn = 3,

    /// <summary>A request is already in progress.</summary>
    ErrorRequestAlreadyInProgress = 4,

    /// <summary>Bad sequence number.</summary>
    ErrorBadSequenceNumber = 5,

    /// <summary>In progress: ask again later.</summary>
    InProgress = 6,
}
