using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Mesh.Signalling.Xmpp;

namespace Mesh.Benchmarks.Signalling;

/// <summary>
/// Presence fan-out on the harness's Prosody: 50 clients of one account; one changes its presence and
/// the benchmark waits until all 49 others have seen the change. Needs the servers that
/// <c>./test.sh</c> starts (the MESH_TEST_XMPP_* variables). Besides BenchmarkDotNet's own figures it
/// prints the median and p99 of the fan-out time, of the individual arrival times, and our client's
/// managed memory per idle connection.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 10, iterationCount: 200)]
public class PresenceFanOutBenchmark
{
    private const int Clients = 50;
    private readonly List<XmppClient> _clients = [];
    private readonly List<double> _fanOutMs = [];
    private readonly List<double> _arrivalMs = [];
    private readonly object _gate = new();
    private XmppClient _changer = null!;
    private long _start;
    private string _expectedShow = "away";
    private int _waiting;
    private TaskCompletionSource _allSeen = new();
    private double _bytesPerConnection;

    [GlobalSetup]
    public void Setup()
    {
        var host = Require("MESH_TEST_XMPP_HOST");
        var port = int.Parse(Require("MESH_TEST_XMPP_PORT"), CultureInfo.InvariantCulture);
        var domain = Require("MESH_TEST_XMPP_DOMAIN");
        var ca = Require("MESH_TEST_XMPP_CA_FILE");
        var account = Require("MESH_TEST_XMPP_ACCOUNTS").Split(' ').Select(a => a.Split(':', 2)).First(a => a[0] == "carol");

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < Clients; i++)
        {
            var client = new XmppClient(new XmppClientOptions
            {
                Jid = Jid.Parse($"{account[0]}@{domain}"),
                Password = account[1],
                Resource = $"bench{i}",
                Host = host,
                Port = port,
                CaFile = ca,
                KeepAliveInterval = TimeSpan.Zero,
            });
            client.ConnectAsync().GetAwaiter().GetResult();
            _clients.Add(client);
        }

        Thread.Sleep(2000);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        _bytesPerConnection = (GC.GetTotalMemory(forceFullCollection: true) - before) / (double)Clients;

        _changer = _clients[0];
        foreach (var client in _clients.Skip(1))
        {
            client.PresenceChanged += OnPresence;
        }
    }

    [Benchmark]
    public void PresenceReachesAllOtherClients()
    {
        _expectedShow = _expectedShow == "away" ? "dnd" : "away";
        _allSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _waiting, Clients - 1);
        _start = TimeProvider.System.GetTimestamp();
        _changer.SetPresenceAsync(_expectedShow).GetAwaiter().GetResult();
        _allSeen.Task.WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        lock (_gate)
        {
            _fanOutMs.Add(TimeProvider.System.GetElapsedTime(_start).TotalMilliseconds);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var client in _clients)
        {
            client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        lock (_gate)
        {
            Console.WriteLine(
                $"// PresenceFanOut: {Clients} clients; fan-out to all {Clients - 1} others: median {Percentile(_fanOutMs, 50):F2} ms, p99 {Percentile(_fanOutMs, 99):F2} ms "
                + $"({_fanOutMs.Count} changes); single arrival: median {Percentile(_arrivalMs, 50):F2} ms, p99 {Percentile(_arrivalMs, 99):F2} ms; "
                + $"managed memory per idle connection {_bytesPerConnection / 1024:F1} KiB");
        }
    }

    private void OnPresence(object? sender, PresenceChangedEventArgs e)
    {
        if (e.From != _changer.BoundJid || e.Show != _expectedShow)
        {
            return;
        }

        var elapsed = TimeProvider.System.GetElapsedTime(_start).TotalMilliseconds;
        lock (_gate)
        {
            _arrivalMs.Add(elapsed);
        }

        if (Interlocked.Decrement(ref _waiting) == 0)
        {
            _allSeen.TrySetResult();
        }
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    private static string Require(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: run this benchmark with the harness's servers (see docs/signalling.md).");
}
