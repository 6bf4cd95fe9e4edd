using System.Diagnostics;

namespace Mesh.Integration.Daemon;

/// <summary>Waits for a condition by asking again and again until it holds or time runs out; no fixed sleeps.</summary>
internal static class Poll
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe)
    {
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (clock.Elapsed < timeout)
        {
            try
            {
                if (await condition())
                {
                    return;
                }

                last = null;
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or System.Text.Json.JsonException)
            {
                // The daemon may not answer yet (starting, restarting); keep asking until the deadline.
                last = e;
            }

            await Task.Delay(Interval);
        }

        throw new TimeoutException($"not reached within {timeout}: {describe()}" + (last is null ? "" : $"\nlast error: {last.Message}"));
    }
}
