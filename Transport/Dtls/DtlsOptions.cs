namespace Mesh.Transport.Dtls;

/// <summary>Settings for one DTLS handshake.</summary>
public sealed record DtlsOptions
{
    /// <summary>How long the whole handshake may take, retransmissions included.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The largest datagram accepted from the peer. Browsers keep their datagrams near 1,200 bytes, but a
    /// fragmented ClientHello or a loopback peer may send more; a larger datagram is dropped by DTLS.
    /// </summary>
    public int ReceiveLimit { get; init; } = 16_384 + 512;

    /// <summary>Datagrams from the peer queued before the DTLS layer reads them; more are dropped, as a full socket buffer would.</summary>
    public int ReceiveQueueLimit { get; init; } = 4096;
}
