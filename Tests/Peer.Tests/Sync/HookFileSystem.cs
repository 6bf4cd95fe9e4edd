using Mesh.Peer.Files;
using Microsoft.Win32.SafeHandles;

namespace Mesh.Peer.Tests.Sync;

/// <summary>The real file system with hooks, to make things happen at exact moments and to pretend case insensitivity.</summary>
internal sealed class HookFileSystem(bool caseSensitive = true) : IFileSystem
{
    private readonly LocalFileSystem _inner = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<SafeFileHandle, string> _writeHandles = new();
    private int _flushCalls;
    private int _flushAllCalls;

    public Action<string>? BeforeOpenWrite { get; set; }

    public Action<string>? BeforeOpenRead { get; set; }

    public Action<string, string>? BeforeRename { get; set; }

    /// <summary>Runs once a rename has happened; throwing here models a crash between a rename and what follows it.</summary>
    public Action<string, string>? AfterRename { get; set; }

    /// <summary>Paths whose data was flushed through a write handle.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, bool> Flushed { get; } = new(StringComparer.Ordinal);

    public bool IsCaseSensitive { get; } = caseSensitive;

    /// <summary>Calls of <see cref="Flush"/> (one file) and <see cref="FlushAll"/> (a batch).</summary>
    public int FlushCalls => Volatile.Read(ref _flushCalls);

    public int FlushAllCalls => Volatile.Read(ref _flushAllCalls);

    public FileStat? Stat(string path) => _inner.Stat(path);

    public IEnumerable<string> List(string directory) => _inner.List(directory);

    public SafeFileHandle OpenRead(string path)
    {
        BeforeOpenRead?.Invoke(path);
        return _inner.OpenRead(path);
    }

    public SafeFileHandle OpenWrite(string path)
    {
        BeforeOpenWrite?.Invoke(path);
        var handle = _inner.OpenWrite(path);
        _writeHandles[handle] = path;
        return handle;
    }

    /// <summary>False makes the engine write everything through the page cache, as on a file system without direct I/O.</summary>
    public bool DirectWrites { get; set; } = true;

    public SafeFileHandle? OpenDirectWrite(string path) => DirectWrites ? _inner.OpenDirectWrite(path) : null;

    public void SetLength(SafeFileHandle handle, long length) => _inner.SetLength(handle, length);

    public void Flush(SafeFileHandle handle)
    {
        Interlocked.Increment(ref _flushCalls);
        _inner.Flush(handle);
        if (_writeHandles.TryRemove(handle, out var path))
        {
            Flushed[path] = true;
        }
    }

    public void FlushAll(IReadOnlyList<SafeFileHandle> handles)
    {
        Interlocked.Increment(ref _flushAllCalls);
        _inner.FlushAll(handles);
        foreach (var handle in handles)
        {
            if (_writeHandles.TryRemove(handle, out var path))
            {
                Flushed[path] = true;
            }
        }
    }

    public void Rename(string from, string to)
    {
        BeforeRename?.Invoke(from, to);
        _inner.Rename(from, to);
        AfterRename?.Invoke(from, to);
    }

    /// <summary>False makes the engine commit pulled files as on a file system without hard links (flushed before the rename).</summary>
    public bool HardLinks { get; set; } = true;

    public bool TryHardLink(string existing, string link) => HardLinks && _inner.TryHardLink(existing, link);

    // A swap replaces like a rename, so the same hooks see it.
    public bool TryExchange(string first, string second)
    {
        BeforeRename?.Invoke(first, second);
        var swapped = _inner.TryExchange(first, second);
        if (swapped)
        {
            AfterRename?.Invoke(first, second);
        }

        return swapped;
    }

    public void DeleteFile(string path) => _inner.DeleteFile(path);

    public bool DeleteEmptyDirectory(string path) => _inner.DeleteEmptyDirectory(path);

    public void CreateDirectory(string path) => _inner.CreateDirectory(path);

    public void SetModified(string path, long modifiedNs) => _inner.SetModified(path, modifiedNs);

    public void SetMode(string path, uint mode) => _inner.SetMode(path, mode);

    public string ReadLink(string path) => _inner.ReadLink(path);

    public void CreateSymlink(string path, string target) => _inner.CreateSymlink(path, target);
}
