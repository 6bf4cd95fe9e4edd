using System.Text.Json.Serialization;

namespace Mesh.Peer.Control;

/// <summary>
/// JSON of the control protocol, generated at build time: camelCase names, nulls written out so a
/// reader always finds every field.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ControlRequest))]
[JsonSerializable(typeof(ControlResponse))]
[JsonSerializable(typeof(StatusReport))]
internal sealed partial class ControlJsonContext : JsonSerializerContext;
