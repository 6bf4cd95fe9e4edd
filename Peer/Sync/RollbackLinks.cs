using System.Security.Cryptography;
using System.Text;

namespace Mesh.Peer.Sync;

/// <summary>
/// Where the version a pulled file replaced stays reachable until the new version is durable: a second
/// hard link in <c>&lt;folder&gt;/.mesh/rollback/</c>, named after the file's name and the old inode.
/// </summary>
internal static class RollbackLinks
{
    /// <summary>The rollback directory, relative to the folder.</summary>
    public const string DirectoryName = EngineFiles.StateFolder + "/rollback";

    /// <summary>A torn file whose old version could not be put back is set aside with this ending.</summary>
    public const string TornExtension = ".torn";

    /// <summary>The rollback directory of a folder (absolute).</summary>
    public static string DirectoryOf(SyncFolder folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return folder.PathOf(DirectoryName);
    }

    /// <summary>The link's file name for a name and the inode it held.</summary>
    public static string NameFor(string name, ulong oldInode) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(name)), 0, 16).ToLowerInvariant() + "-" + oldInode.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The absolute path of a link named <paramref name="linkName"/>.</summary>
    public static string PathOf(SyncFolder folder, string linkName) => Path.Combine(DirectoryOf(folder), linkName);
}
