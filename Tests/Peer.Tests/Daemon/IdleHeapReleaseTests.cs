using Mesh.Peer.Daemon;

namespace Mesh.Peer.Tests.Daemon;

public sealed class IdleHeapReleaseTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void A_daemon_that_goes_quiet_after_a_burst_releases_once()
    {
        long allocated = 0;
        var releases = 0;
        var idle = new IdleHeapRelease(1 * MiB, 16 * MiB, () => allocated, () => releases++);

        allocated += 40 * MiB;
        Assert.False(idle.Check());

        // A whole interval with less than the quiet allowance (a status poll or two): released.
        allocated += MiB / 2;
        Assert.True(idle.Check());
        Assert.Equal(1, releases);

        // Still quiet, but nothing new to give back.
        allocated += MiB / 2;
        Assert.False(idle.Check());
        Assert.Equal(1, releases);
        Assert.Equal(1, idle.Releases);
    }

    [Fact]
    public void A_daemon_that_keeps_allocating_is_left_alone()
    {
        long allocated = 0;
        var releases = 0;
        var idle = new IdleHeapRelease(1 * MiB, 16 * MiB, () => allocated, () => releases++);

        for (var i = 0; i < 10; i++)
        {
            allocated += 8 * MiB;
            Assert.False(idle.Check());
        }

        Assert.Equal(0, releases);
    }

    [Fact]
    public void Quiet_after_only_a_little_work_does_not_release()
    {
        long allocated = 0;
        var releases = 0;
        var idle = new IdleHeapRelease(1 * MiB, 16 * MiB, () => allocated, () => releases++);

        allocated += 4 * MiB;
        Assert.False(idle.Check());
        Assert.False(idle.Check());

        // The next burst after a release counts from the release.
        allocated += 20 * MiB;
        Assert.False(idle.Check());
        Assert.True(idle.Check());
        allocated += 10 * MiB;
        Assert.False(idle.Check());
        Assert.False(idle.Check());
        Assert.Equal(1, releases);
    }
}
