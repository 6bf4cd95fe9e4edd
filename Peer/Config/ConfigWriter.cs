using System.Globalization;
using System.Text;

namespace Mesh.Peer.Config;

/// <summary>
/// Writes <c>config.toml</c> in a fixed, commented layout that <see cref="ConfigReader"/> reads back.
/// The file is replaced atomically (temporary file, fsync, rename), so a crash leaves the old or the
/// new file, never half of one.
/// </summary>
internal static class ConfigWriter
{
    /// <summary>Formats the configuration as TOML.</summary>
    public static string Format(MeshConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var text = new StringBuilder();
        text.Append("# Mesh device configuration. The daemon reads it when it starts; 'mesh folder add' and\n")
            .Append("# 'mesh peer add' append to it and 'mesh init --name/--listen' edits those two lines in\n")
            .Append("# place, so your own comments and layout are kept.\n\n")
            .Append("# The name announced to peers.\n")
            .Append(CultureInfo.InvariantCulture, $"name = {Quote(config.Name)}\n")
            .Append("# Where the daemon listens for peers (tcp://HOST:PORT; port 0 picks a free port).\n")
            .Append(CultureInfo.InvariantCulture, $"listen = {Quote(config.Listen.ToString())}\n");
        foreach (var folder in config.Folders)
        {
            text.Append('\n').Append(Table(folder));
        }

        foreach (var peer in config.Peers)
        {
            text.Append('\n').Append(Table(peer));
        }

        return text.ToString();
    }

    /// <summary>One <c>[[folder]]</c> table, ending with a newline.</summary>
    public static string Table(FolderConfig folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return string.Create(CultureInfo.InvariantCulture, $"[[folder]]\nid = {Quote(folder.Id)}\npath = {Quote(folder.Path)}\n");
    }

    /// <summary>One <c>[[peer]]</c> table, ending with a newline.</summary>
    public static string Table(PeerConfig peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"[[peer]]\ndevice_id = {Quote(peer.DeviceId.ToString())}\naddress = {Quote(peer.Address.ToString())}\nfolders = [{string.Join(", ", peer.Folders.Select(Quote))}]\n");
    }

    /// <summary>Replaces the file at <paramref name="path"/> with <paramref name="config"/>, atomically and owner-only.</summary>
    public static void Write(string path, MeshConfig config) => WriteText(path, Format(config));

    /// <summary>Replaces the file at <paramref name="path"/> with <paramref name="text"/>, atomically and owner-only.</summary>
    public static void WriteText(string path, string text)
    {
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    // Quotes, backslashes and control characters are escaped.
    /// <summary>A TOML basic string holding <paramref name="value"/>.</summary>
    public static string Quote(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                default:
                    if (char.IsControl(c))
                    {
                        text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        return text.Append('"').ToString();
    }
}
