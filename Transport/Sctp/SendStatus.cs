namespace Mesh.Transport.Sctp;

/// <summary>The outcome of <see cref="Association.TrySend"/>.</summary>
public enum SendStatus
{
    /// <summary>The message is queued and will be delivered reliably.</summary>
    Queued,

    /// <summary>The send buffer is full; retry after <see cref="Association.BufferedAmountLow"/>.</summary>
    BufferFull,

    /// <summary>The association is shutting down or ended; nothing more can be sent.</summary>
    Closed,
}
