namespace Mesh.Transport.Sdp;

/// <summary>Whether a description is an offer or an answer.</summary>
public enum SdpType
{
    /// <summary>An offer.</summary>
    Offer,

    /// <summary>An answer.</summary>
    Answer,
}
