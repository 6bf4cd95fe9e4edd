using System.CommandLine;

// `mesh-sim`: runs the real peer code over virtual networks. Scenarios are registered here as they land.
var root = new RootCommand("mesh-sim: run Mesh peers over a simulated network with virtual time.");
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
