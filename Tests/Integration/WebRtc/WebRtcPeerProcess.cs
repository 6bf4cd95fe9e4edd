using System.Diagnostics;
using System.Text.Json;
using Mesh.TestSupport;

namespace Mesh.Integration.WebRtc;

/// <summary>
/// Starts two processes that speak the <c>mesh webrtc-peer</c> line protocol — Mesh itself or the
/// libwebrtc script under <c>node/</c> — passes each one's description to the other, and collects
/// their result lines.
/// </summary>
internal static class WebRtcPeerProcess
{
    public static ProcessStartInfo Mesh(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { ArgumentList = { Path.Combine(AppContext.BaseDirectory, "mesh.dll"), "webrtc-peer" } };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    /// <summary>The libwebrtc peer; skips the test (fails it under CI) when the harness did not install @roamhq/wrtc.</summary>
    public static ProcessStartInfo Libwebrtc(params string[] arguments)
    {
        var module = Environment.GetEnvironmentVariable("MESH_TEST_WRTC_MODULE");
        var node = Environment.GetEnvironmentVariable("MESH_TEST_NODE") ?? "node";
        if (string.IsNullOrEmpty(module))
        {
            const string Reason = "MESH_TEST_WRTC_MODULE is not set: run the tests through ./test.sh, whose 70-wrtc service installs @roamhq/wrtc";
            if (TestServers.IsCi)
            {
                throw new InvalidOperationException(Reason);
            }

            Skip.If(true, Reason);
        }

        var start = new ProcessStartInfo(node) { ArgumentList = { Script() } };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["WRTC_MODULE"] = module;
        return start;
    }

    /// <summary>Runs the pair to the end (or the timeout) and returns both result lines.</summary>
    public static async Task<(JsonElement Offer, JsonElement Answer)> RunAsync(ProcessStartInfo offerer, ProcessStartInfo answerer, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var offer = Start(offerer);
        using var answer = Start(answerer);
        try
        {
            var offerResult = Pump(offer, answer, cts.Token);
            var answerResult = Pump(answer, offer, cts.Token);
            var results = await Task.WhenAll(offerResult, answerResult).WaitAsync(cts.Token);
            await Task.WhenAll(offer.WaitForExitAsync(cts.Token), answer.WaitForExitAsync(cts.Token));
            return (results[0], results[1]);
        }
        finally
        {
            Stop(offer);
            Stop(answer);
        }
    }

    private static Process Start(ProcessStartInfo start)
    {
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + start.FileName);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<JsonElement> Pump(Process from, Process to, CancellationToken ct)
    {
        while (await from.StandardOutput.ReadLineAsync(ct) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            var type = document.RootElement.GetProperty("type").GetString();
            if (type == "sdp")
            {
                await to.StandardInput.WriteLineAsync(line.AsMemory(), ct);
                await to.StandardInput.FlushAsync(ct);
            }
            else if (type == "result")
            {
                return document.RootElement.Clone();
            }
        }

        throw new InvalidOperationException("the peer ended without a result line");
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    private static string Script([System.Runtime.CompilerServices.CallerFilePath] string source = "")
    {
        // The source path works for local builds with a separate artifacts folder; under CI the compiler maps
        // source paths, but the output then lies inside the repository, so walking up finds the script.
        var besideSource = Path.Combine(Path.GetDirectoryName(source) ?? ".", "node", "webrtc-peer.js");
        if (File.Exists(besideSource))
        {
            return besideSource;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "Tests", "Integration", "WebRtc", "node", "webrtc-peer.js");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("Tests/Integration/WebRtc/node/webrtc-peer.js not found above " + AppContext.BaseDirectory);
    }
}
