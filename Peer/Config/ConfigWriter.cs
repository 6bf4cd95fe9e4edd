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
            .Append("# 'mesh peer add' rewrite it (comments other than these are not kept).\n\n")
            .Append("# The name announced to peers.\n")
            .Append(CultureInfo.InvariantCulture, $"name = {Quote(config.Name)}\n")
            .Append("# Where the daemon listens for peers (tcp://HOST:PORT; port 0 picks a free port).\n")
            .Append(CultureInfo.InvariantCulture, $"listen = {Quote(config.Listen.ToString())}\n");
        foreach (var folder in config.Folders)
        {
            text.Append("\n[[folder]]\n")
                .Append(CultureInfo.InvariantCulture, $"id = {Quote(folder.Id)}\n")
                .Append(CultureInfo.InvariantCulture, $"path = {Quote(folder.Path)}\n");
        }

        foreach (var peer in config.Peers)
        {
            text.Append("\n[[peer]]\n")
                .Append(CultureInfo.InvariantCulture, $"device_id = {Quote(peer.DeviceId.ToString())}\n")
                .Append(CultureInfo.InvariantCulture, $"address = {Quote(peer.Address.ToString())}\n")
                .Append(CultureInfo.InvariantCulture, $"folders = [{string.Join(", ", peer.Folders.Select(Quote))}]\n");
        }

        return text.ToString();
    }

    /// <summary>Replaces the file at <paramref name="path"/> with <paramref name="config"/>, atomically and owner-only.</summary>
    public static void Write(string path, MeshConfig config)
    {
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        {
            var bytes = Encoding.UTF8.GetBytes(Format(config));
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    // A TOML basic string: quotes, backslashes and control characters escaped.
    private static string Quote(string value)
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
