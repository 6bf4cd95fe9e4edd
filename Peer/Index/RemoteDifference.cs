using Google.Protobuf;
using Mesh.Peer.Identity;
using Mesh.Proto;

namespace Mesh.Peer.Index;

/// <summary>
/// A peer's entry whose version differs from the local one, with the local record of the same name read
/// in the same query, so planning a pass of thousands of names costs one query instead of one per name.
/// Both entries are kept as stored and decoded on first use, outside the index lock: the planner first
/// compares the versions (small), and a name whose announced versions are all already covered by the
/// local one (the old names of a directory this device just renamed) is never decoded at all.
/// </summary>
internal sealed class RemoteDifference
{
    private readonly byte[]? _entryBytes;
    private readonly byte[]? _localBytes;
    private readonly ulong _localInode;
    private FileEntry? _entry;
    private StoredFile? _local;

    /// <summary>A difference as read from the index: the stored bytes of both entries and of both versions.</summary>
    public RemoteDifference(DeviceId device, string name, byte[] entry, byte[] version, byte[]? localEntry, byte[]? localVersion, ulong localInode)
    {
        Device = device;
        Name = name;
        _entryBytes = entry;
        Version = version;
        _localBytes = localEntry;
        LocalVersion = localVersion;
        _localInode = localInode;
    }

    /// <summary>A difference from entries already decoded.</summary>
    public RemoteDifference(DeviceId device, FileEntry entry, StoredFile? local)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Device = device;
        Name = entry.Name;
        _entry = entry;
        Version = (entry.Version ?? new Vector()).ToByteArray();
        _local = local;
        LocalVersion = local is null ? null : (local.Entry.Version ?? new Vector()).ToByteArray();
    }

    /// <summary>The peer that announced <see cref="Entry"/>.</summary>
    public DeviceId Device { get; }

    /// <summary>The name both entries are stored under.</summary>
    public string Name { get; }

    /// <summary>The peer's version as stored (a serialised <see cref="Vector"/>).</summary>
    public byte[] Version { get; }

    /// <summary>The local version as stored, or null when this device has no record of the name.</summary>
    public byte[]? LocalVersion { get; }

    /// <summary>The peer's entry.</summary>
    public FileEntry Entry => _entry ??= FileEntry.Parser.ParseFrom(_entryBytes);

    /// <summary>This device's record of the name (a tombstone included), or null when it has none.</summary>
    public StoredFile? Local => _local ??= _localBytes is null ? null : new StoredFile(FileEntry.Parser.ParseFrom(_localBytes), _localInode);
}
