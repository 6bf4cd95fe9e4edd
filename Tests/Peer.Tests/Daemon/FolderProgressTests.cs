using Mesh.Peer.Daemon;
using Mesh.Peer.Scanning;
using Mesh.Peer.Sync;
using Microsoft.Extensions.Time.Testing;

namespace Mesh.Peer.Tests.Daemon;

public sealed class FolderProgressTests
{
    [Fact]
    public void An_idle_folder_has_no_progress()
    {
        var progress = new FolderProgress(new FakeTimeProvider());

        Assert.Null(progress.Sample(new FolderStatus(FolderState.Idle, 0, 0, null), 0));
    }

    [Fact]
    public void Sync_progress_counts_done_of_total_with_rate_and_time_left()
    {
        var time = new FakeTimeProvider();
        var progress = new FolderProgress(time);
        progress.Sample(new FolderStatus(FolderState.Syncing, 10, 1000, null), 0);

        time.Advance(TimeSpan.FromSeconds(2));
        var report = progress.Sample(new FolderStatus(FolderState.Syncing, 6, 600, null), 400);

        Assert.NotNull(report);
        Assert.Equal("syncing", report.Phase);
        Assert.Equal((4, 10, 400, 1000), (report.FilesDone, report.FilesTotal, report.BytesDone, report.BytesTotal));
        Assert.Equal(200, report.BytesPerSecond);
        Assert.Equal(3, report.SecondsLeft);
    }

    [Fact]
    public void New_announcements_during_a_sync_join_its_total()
    {
        var time = new FakeTimeProvider();
        var progress = new FolderProgress(time);
        progress.Sample(new FolderStatus(FolderState.Syncing, 10, 1000, null), 0);
        progress.Sample(new FolderStatus(FolderState.Syncing, 5, 500, null), 500);

        var report = progress.Sample(new FolderStatus(FolderState.Syncing, 8, 800, null), 500);

        Assert.Equal(13, report!.FilesTotal);
        Assert.Equal(1300, report.BytesTotal);
        Assert.Equal(500, report.BytesDone);
    }

    [Fact]
    public void Chunk_bytes_show_progress_inside_one_large_file()
    {
        var time = new FakeTimeProvider();
        var progress = new FolderProgress(time);
        progress.Sample(new FolderStatus(FolderState.Syncing, 1, 1_000_000, null), 5000);

        var report = progress.Sample(new FolderStatus(FolderState.Syncing, 1, 1_000_000, null), 255_000);

        Assert.Equal(250_000, report!.BytesDone);
    }

    [Fact]
    public void Scan_progress_is_shown_while_scanning()
    {
        var time = new FakeTimeProvider();
        var progress = new FolderProgress(time);
        progress.OnScan(new ScanProgress(0, 4, 0, 4000));
        time.Advance(TimeSpan.FromSeconds(1));
        progress.OnScan(new ScanProgress(1, 4, 1000, 4000));

        var report = progress.Sample(new FolderStatus(FolderState.Scanning, 0, 0, null), 0);
        progress.ScanEnded();

        Assert.Equal(("scanning", 1, 4, 1000, 4000), (report!.Phase, report.FilesDone, report.FilesTotal, report.BytesDone, report.BytesTotal));
        Assert.Equal(3, report.SecondsLeft);
        Assert.Null(progress.Sample(new FolderStatus(FolderState.Scanning, 0, 0, null), 0));
    }
}
