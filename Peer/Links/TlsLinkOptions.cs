namespace Mesh.Peer.Links;

/// <summary>Tunables of a <see cref="TlsLink"/> and its handshake; the defaults suit the daemon.</summary>
internal sealed record TlsLinkOptions
{
    /// <summary>
    /// Largest message, before and after decompression. A chunk response is at most 1 MiB plus a few
    /// bytes; index messages aim at 512 KiB but one entry of a huge file can be larger, hence room to spare.
    /// </summary>
    public int MaxMessageSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>Index messages at least this long are offered to zstd; shorter ones gain too little to pay for it.</summary>
    public int CompressionThreshold { get; init; } = 1024;

    /// <summary>zstd level: 3 is the library default and compresses index entries several-fold at hundreds of MB/s.</summary>
    public int CompressionLevel { get; init; } = 3;

    /// <summary>Longest a TLS handshake may take before the connection is dropped.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long an orderly close waits for a send in progress before it aborts the stream.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The clock for timeouts and for the validity period of the link certificate.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
