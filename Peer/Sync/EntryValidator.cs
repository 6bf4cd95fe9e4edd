using Mesh.Chunking;
using Mesh.Proto;

namespace Mesh.Peer.Sync;

/// <summary>Checks a file entry announced by a peer before it is stored: name, version, and a manifest that adds up.</summary>
internal static class EntryValidator
{
    /// <summary>Null when the entry is acceptable, else why it is rejected.</summary>
    public static string? Check(FileEntry entry)
    {
        if (NameValidator.Check(entry.Name) is { } nameProblem)
        {
            return nameProblem;
        }

        if (entry.Version is null || entry.Version.Counters.Count == 0)
        {
            return "entry without a version";
        }

        if (entry.Deleted)
        {
            return null;
        }

        switch (entry.Type)
        {
            case FileType.File:
                if (entry.Manifest is null)
                {
                    return "file without a manifest";
                }

                try
                {
                    ManifestValidator.Validate(entry.Manifest);
                }
                catch (InvalidManifestException ex)
                {
                    return "invalid manifest: " + ex.Message;
                }

                return entry.Manifest.Size == entry.Size ? null : "size differs from the manifest's";

            case FileType.Symlink:
                return entry.SymlinkTarget.Length == 0 || entry.SymlinkTarget.Contains('\0', StringComparison.Ordinal)
                    ? "symlink without a usable target"
                    : null;

            case FileType.Directory:
                return null;

            default:
                return $"unknown file type {(int)entry.Type}";
        }
    }
}
