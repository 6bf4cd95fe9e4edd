using Mesh.Peer.Control;
using Mesh.Peer.Scanning;
using Mesh.Peer.Sync;

namespace Mesh.Peer.Daemon;

/// <summary>
/// Turns one folder's scan reports and pull status into "done of total, rate, time left". A sync's
/// total is what was needed when it began plus whatever was announced since; bytes done also count
/// chunk bytes as they arrive, so a single large file shows progress before it is complete.
/// </summary>
internal sealed class FolderProgress(TimeProvider time)
{
    private readonly Lock _gate = new();
    private ScanProgress? _scan;
    private long _scanStarted;
    private bool _syncing;
    private long _syncStarted;
    private long _totalFiles;
    private long _totalBytes;
    private long _lastNeedFiles;
    private long _lastNeedBytes;
    private long _fetchedAtStart;

    /// <summary>A report from a scan the daemon runs.</summary>
    public void OnScan(ScanProgress progress)
    {
        lock (_gate)
        {
            if (_scan is null)
            {
                _scanStarted = time.GetTimestamp();
            }

            _scan = progress;
        }
    }

    /// <summary>The scan that was reporting has ended.</summary>
    public void ScanEnded()
    {
        lock (_gate)
        {
            _scan = null;
        }
    }

    /// <summary>
    /// The progress to show for <paramref name="status"/>, or null when the folder is idle.
    /// <paramref name="fetchedBytes"/> is the engine's running count of chunk bytes received.
    /// </summary>
    public ProgressReport? Sample(FolderStatus status, long fetchedBytes)
    {
        ArgumentNullException.ThrowIfNull(status);
        lock (_gate)
        {
            if (status.State == FolderState.Scanning && _scan is { } scan)
            {
                var elapsed = time.GetElapsedTime(_scanStarted).TotalSeconds;
                return Report("scanning", scan.FilesDone, scan.FilesTotal, scan.BytesDone, scan.BytesTotal, elapsed);
            }

            if (status.NeedFiles == 0 && status.State != FolderState.Syncing)
            {
                _syncing = false;
                return null;
            }

            if (!_syncing)
            {
                _syncing = true;
                _syncStarted = time.GetTimestamp();
                _totalFiles = status.NeedFiles;
                _totalBytes = status.NeedBytes;
                _fetchedAtStart = fetchedBytes;
            }
            else
            {
                // More needed than before means new announcements arrived: they join the total.
                _totalFiles += Math.Max(0, status.NeedFiles - _lastNeedFiles);
                _totalBytes += Math.Max(0, status.NeedBytes - _lastNeedBytes);
            }

            _lastNeedFiles = status.NeedFiles;
            _lastNeedBytes = status.NeedBytes;
            var bytesDone = Math.Min(_totalBytes, Math.Max(_totalBytes - status.NeedBytes, fetchedBytes - _fetchedAtStart));
            return Report("syncing", _totalFiles - status.NeedFiles, _totalFiles, bytesDone, _totalBytes, time.GetElapsedTime(_syncStarted).TotalSeconds);
        }
    }

    private static ProgressReport Report(string phase, long filesDone, long filesTotal, long bytesDone, long bytesTotal, double elapsedSeconds)
    {
        var rate = elapsedSeconds > 0.2 ? bytesDone / elapsedSeconds : 0;
        double? left = rate > 0 ? Math.Round((bytesTotal - bytesDone) / rate, 1) : null;
        return new ProgressReport(phase, filesDone, filesTotal, bytesDone, bytesTotal, Math.Round(rate), left);
    }
}
