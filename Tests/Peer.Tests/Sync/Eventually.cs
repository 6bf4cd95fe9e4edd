namespace Mesh.Peer.Tests.Sync;

/// <summary>Polls a condition until it holds or the timeout passes; every wait in these tests is bounded.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (condition())
                {
                    return;
                }
            }
            catch (IOException)
            {
                // A file in the middle of being replaced: look again.
            }

            await Task.Delay(50);
        }

        Assert.Fail($"Timed out after {timeoutSeconds}s waiting for: {what}");
    }
}
