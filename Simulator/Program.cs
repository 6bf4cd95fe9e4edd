using System.CommandLine;
using Mesh.Simulator.Commands;

// `mesh-sim`: runs the real protocol code over virtual networks in virtual time. Scenarios are registered here.
var root = new RootCommand("mesh-sim: run Mesh peers over a simulated network with virtual time.");
root.Subcommands.Add(IceMatrixCommand.Create());
root.Subcommands.Add(IceLoopbackCommand.Create());
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
