namespace Mesh.Peer.Sync;

/// <summary>
/// Directory renames the puller makes and records in the index (<see cref="DirectoryMover"/>), noted just
/// before the rename and dropped again if it fails or cannot be recorded, kept until the watcher has seen
/// their rename event. The watcher would otherwise rescan the new directory in full
/// (2,000 files for side-by-side d) to find what the puller's own transaction already says; events for
/// changes inside the directory still arrive on their own and are scanned as usual. An entry nobody
/// takes (no watcher, or its event was lost) expires, so a later rename by a user with the same two
/// names is never mistaken for the puller's.
/// </summary>
internal sealed class PullerMoves(TimeProvider time)
{
    private const int Capacity = 64;
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private readonly Lock _gate = new();
    private readonly List<(string From, string To, long At)> _moves = [];

    /// <summary>Notes that the puller renames <paramref name="from"/> to <paramref name="to"/> and records it.</summary>
    public void Add(string from, string to)
    {
        lock (_gate)
        {
            if (_moves.Count == Capacity)
            {
                _moves.RemoveAt(0);
            }

            _moves.Add((from, to, time.GetTimestamp()));
        }
    }

    /// <summary>True, once, when the rename <paramref name="from"/> → <paramref name="to"/> is one the puller noted (and removes the note).</summary>
    public bool TryTake(string from, string to)
    {
        lock (_gate)
        {
            _moves.RemoveAll(m => time.GetElapsedTime(m.At) > Lifetime);
            var index = _moves.FindIndex(m => string.Equals(m.From, from, StringComparison.Ordinal) && string.Equals(m.To, to, StringComparison.Ordinal));
            if (index < 0)
            {
                return false;
            }

            _moves.RemoveAt(index);
            return true;
        }
    }
}
