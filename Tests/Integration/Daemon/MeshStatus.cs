using System.Text.Json;

namespace Mesh.Integration.Daemon;

/// <summary>
/// The fields of <c>mesh status --json</c> that the issue fixes for other tools to read; anything else the
/// daemon adds is ignored here, so the tests check the stable contract only.
/// </summary>
internal sealed record MeshStatus(string DeviceId, IReadOnlyList<MeshFolderStatus> Folders, IReadOnlyList<MeshPeerStatus> Peers)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static MeshStatus Parse(string json) =>
        JsonSerializer.Deserialize<MeshStatus>(json, Options) ?? throw new JsonException("status was null");

    public MeshFolderStatus Folder(string id) =>
        Folders.FirstOrDefault(f => f.Id == id) ?? throw new InvalidOperationException($"folder {id} is not in the status");

    public MeshPeerStatus? Peer(string deviceId) =>
        Peers.FirstOrDefault(p => string.Equals(Normalise(p.DeviceId), Normalise(deviceId), StringComparison.Ordinal));

    // Device IDs parse ignoring case, dashes and spaces; compare them the same way.
    private static string Normalise(string id) => new([.. id.Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant)]);
}
