using Microsoft.Extensions.Logging;

namespace Mesh.Transport.Ice;

/// <summary>The agent's log messages, with stable event ids.</summary>
internal static partial class IceLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "ICE selected {Kind} pair {Pair}")]
    public static partial void Selected(ILogger logger, CandidateType kind, CandidatePair pair);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "ICE failed: {Reason}")]
    public static partial void Failed(ILogger logger, string reason);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Debug, Message = "ICE role conflict: switching to {Role}")]
    public static partial void RoleSwitched(ILogger logger, IceRole role);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Debug, Message = "ICE gathered {Candidate}")]
    public static partial void Gathered(ILogger logger, Candidate candidate);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Debug, Message = "ICE could not bind {Address}: {Error}")]
    public static partial void BindFailed(ILogger logger, System.Net.IPAddress address, string error);
}
