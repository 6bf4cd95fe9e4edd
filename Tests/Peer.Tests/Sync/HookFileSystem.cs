using Mesh.Peer.Files;
using Microsoft.Win32.SafeHandles;

namespace Mesh.Peer.Tests.Sync;

/// <summary>The real file system with hooks, to make things happen at exact moments and to pretend case insensitivity.</summary>
internal sealed class HookFileSystem(bool caseSensitive = true) : IFileSystem
{
    private readonly LocalFileSystem _inner = new();

    public Action<string>? BeforeOpenWrite { get; set; }

    public Action<string>? BeforeOpenRead { get; set; }

    public bool IsCaseSensitive { get; } = caseSensitive;

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
        return _inner.OpenWrite(path);
    }

    public void SetLength(SafeFileHandle handle, long length) => _inner.SetLength(handle, length);

    public void Flush(SafeFileHandle handle) => _inner.Flush(handle);

    public void Rename(string from, string to) => _inner.Rename(from, to);

    public void DeleteFile(string path) => _inner.DeleteFile(path);

    public bool DeleteEmptyDirectory(string path) => _inner.DeleteEmptyDirectory(path);

    public void CreateDirectory(string path) => _inner.CreateDirectory(path);

    public void SetModified(string path, long modifiedNs) => _inner.SetModified(path, modifiedNs);

    public void SetMode(string path, uint mode) => _inner.SetMode(path, mode);

    public string ReadLink(string path) => _inner.ReadLink(path);

    public void CreateSymlink(string path, string target) => _inner.CreateSymlink(path, target);
}
