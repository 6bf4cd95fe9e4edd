using System.CommandLine;

namespace Mesh.Peer.Cli;

/// <summary>
/// The subcommands of the <c>mesh</c> program, by name. An explicit table rather than a search of the
/// assembly by reflection: the search loaded every type of the program (and through their base types
/// the transport, signalling and JSON assemblies) before the first argument was read, a third of the
/// start-up of a short command such as <c>mesh manifest</c>. A test checks that every
/// <see cref="IMeshCommand"/> is listed here under the name its command has.
/// </summary>
internal static class MeshCommands
{
    /// <summary>Every subcommand name, in ordinal order (the order of the root's <c>--help</c>).</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "demo", "doctor", "folder", "id", "init", "manifest", "netcheck", "peer", "run", "scan", "status", "webrtc-peer",
    ];

    /// <summary>The subcommand called <paramref name="name"/>, not yet built, or null if there is none.</summary>
    public static IMeshCommand? Find(string name) => name switch
    {
        "demo" => new DemoCommand(),
        "doctor" => new DoctorCommand(),
        "folder" => new FolderCommand(),
        "id" => new IdCommand(),
        "init" => new InitCommand(),
        "manifest" => new ManifestCommand(),
        "netcheck" => new NetcheckCommand(),
        "peer" => new PeerCommand(),
        "run" => new RunCommand(),
        "scan" => new ScanCommand(),
        "status" => new StatusCommand(),
        "webrtc-peer" => new WebRtcPeerCommand(),
        _ => null,
    };

    /// <summary>Builds every subcommand, in <see cref="Names"/> order.</summary>
    public static IEnumerable<Command> All() => Names.Select(name => Find(name)!.Create());
}
