namespace Mesh.Transport.DataChannels;

/// <summary>Receives one message on a data channel; <paramref name="message"/> is valid only during the call.</summary>
public delegate void DataChannelMessageHandler(DataChannel channel, ReadOnlySpan<byte> message, bool isText);
