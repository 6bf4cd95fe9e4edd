using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Mesh.Transport;
using Mesh.Transport.Ice;
using Mesh.Transport.Net;

namespace Mesh.Simulator.Commands;

/// <summary>`mesh-sim ice-loopback`: connects two ICE agents over real UDP on 127.0.0.1 again and again and reports the connect time.</summary>
public static class IceLoopbackCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var runs = new Option<int>("--runs") { Description = "how many connections to time", DefaultValueFactory = _ => 50 };
        var command = new Command("ice-loopback", "Time ICE connections between two agents over real UDP on 127.0.0.1 (host candidates).");
        command.Options.Add(runs);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var count = Math.Max(1, parse.GetValue(runs));
            var times = new List<double>();
            var checks = new List<int>();
            var network = new LoopbackOnly(SocketNetwork.Instance);

            // One untimed run first, so JIT compilation is not measured.
            for (var i = -1; i < count; i++)
            {
                var (elapsed, sent) = await ConnectOnceAsync(network, cancellationToken).ConfigureAwait(false);
                if (i >= 0)
                {
                    times.Add(elapsed.TotalMilliseconds);
                    checks.Add(sent);
                }
            }

            times.Sort();
            var output = parse.InvocationConfiguration.Output;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} connections over 127.0.0.1: median {times[times.Count / 2]:F2} ms, p90 {times[(int)(times.Count * 0.9)]:F2} ms, min {times[0]:F2} ms, max {times[^1]:F2} ms; checks per connection {checks.Average():F1}"));
            return 0;
        });
        return command;
    }

    private static async Task<(TimeSpan Elapsed, int Checks)> ConnectOnceAsync(INetwork network, CancellationToken cancellationToken)
    {
        using var a = new IceAgent(network, new IceAgentOptions { Role = IceRole.Controlling }, TimeProvider.System, SecureRandom.Instance);
        using var b = new IceAgent(network, new IceAgentOptions { Role = IceRole.Controlled }, TimeProvider.System, SecureRandom.Instance);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            if (a.State == IceAgentState.Connected && b.State == IceAgentState.Connected)
            {
                done.TrySetResult();
            }
            else if (a.State == IceAgentState.Failed || b.State == IceAgentState.Failed)
            {
                done.TrySetException(new InvalidOperationException(a.FailureReason ?? b.FailureReason));
            }
        }

        a.StateChanged += _ => Check();
        b.StateChanged += _ => Check();
        a.CandidateGathered += c => ThreadPool.QueueUserWorkItem(_ => b.AddRemoteCandidate(c));
        b.CandidateGathered += c => ThreadPool.QueueUserWorkItem(_ => a.AddRemoteCandidate(c));
        var clock = Stopwatch.StartNew();
        a.SetRemoteCredentials(b.LocalCredentials);
        b.SetRemoteCredentials(a.LocalCredentials);
        a.StartGathering();
        b.StartGathering();
        await done.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        return (clock.Elapsed, a.ChecksSent + b.ChecksSent);
    }

    /// <summary>The real network, offering only 127.0.0.1 as an interface so no traffic leaves the machine.</summary>
    private sealed class LoopbackOnly(INetwork inner) : INetwork
    {
        public IUdpEndpoint BindUdp(IPEndPoint local) => inner.BindUdp(local);

        public ValueTask<ITcpConnection> ConnectTcpAsync(IPEndPoint remote, CancellationToken cancellationToken = default) => inner.ConnectTcpAsync(remote, cancellationToken);

        public ITcpListener ListenTcp(IPEndPoint local) => inner.ListenTcp(local);

        public IReadOnlyList<IPAddress> GetInterfaceAddresses() => [IPAddress.Loopback];
    }
}
