using System.CommandLine;
using System.Globalization;
using Mesh.Simulator.Scenarios;
using Mesh.Transport.Ice;

namespace Mesh.Simulator.Commands;

/// <summary>`mesh-sim ice-matrix`: connects two ICE agents across every NAT combination in virtual time and prints the outcome, time and checks.</summary>
public static class IceMatrixCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var rtt = new Option<int>("--rtt") { Description = "round-trip time between the devices, in milliseconds", DefaultValueFactory = _ => 50 };
        var seed = new Option<int>("--seed") { Description = "seed of the runs", DefaultValueFactory = _ => 1 };
        var loss = new Option<double>("--loss") { Description = "packet loss on the internet segment, 0 to 1", DefaultValueFactory = _ => 0 };
        var noTurn = new Option<bool>("--no-turn") { Description = "run without a TURN server" };
        var command = new Command("ice-matrix", "Connect two ICE agents across every NAT combination (virtual time) and report path, time to a nominated pair and checks sent.");
        command.Options.Add(rtt);
        command.Options.Add(seed);
        command.Options.Add(loss);
        command.Options.Add(noTurn);
        command.SetAction(parse =>
        {
            var roundTrip = TimeSpan.FromMilliseconds(parse.GetValue(rtt));
            var output = parse.InvocationConfiguration.Output;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"scenario",-36} {"path",-8} {"ms",8} {"RTTs",6} {"checks",7}"));
            var failures = 0;
            foreach (var (label, options) in IceMatrix.Scenarios(roundTrip, parse.GetValue(seed), parse.GetValue(loss)))
            {
                var result = IceScenario.Run(options with { UseTurn = !parse.GetValue(noTurn) });
                if (!result.Connected)
                {
                    failures++;
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label,-36} {"FAILED",-8} {result.Failure}"));
                    continue;
                }

                var ms = result.TimeToConnected!.Value.TotalMilliseconds;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label,-36} {Kind(result),-8} {ms,8:F0} {ms / roundTrip.TotalMilliseconds,6:F1} {result.ChecksA + result.ChecksB,7}"));
            }

            return failures == 0 ? 0 : 1;
        });
        return command;
    }

    private static string Kind(IceScenarioResult result) => result.KindA switch
    {
        CandidateType.Host => "host",
        CandidateType.ServerReflexive => "srflx",
        CandidateType.PeerReflexive => "prflx",
        _ => "relay",
    };
}
