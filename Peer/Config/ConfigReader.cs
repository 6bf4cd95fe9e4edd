using Mesh.Peer.Identity;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace Mesh.Peer.Config;

/// <summary>
/// Reads <c>config.toml</c> from Tomlyn's syntax tree rather than its object model, so every error,
/// including a wrong value in a well-formed file, points at the line it is on.
/// </summary>
internal static class ConfigReader
{
    private static readonly HashSet<string> TopKeys = new(StringComparer.Ordinal) { "name", "listen" };
    private static readonly HashSet<string> FolderKeys = new(StringComparer.Ordinal) { "id", "path" };
    private static readonly HashSet<string> PeerKeys = new(StringComparer.Ordinal) { "device_id", "address", "folders" };

    /// <summary>Reads and checks the file.</summary>
    /// <exception cref="ConfigException">The file is missing, malformed or holds a wrong value.</exception>
    public static MeshConfig Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ConfigException(path, 0, "no such file (run 'mesh init' first)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(path, 0, e.Message);
        }

        return Parse(text, path);
    }

    /// <summary>Parses and checks <paramref name="text"/>; <paramref name="file"/> is used in messages.</summary>
    /// <exception cref="ConfigException">The text is malformed or holds a wrong value.</exception>
    public static MeshConfig Parse(string text, string file)
    {
        var document = SyntaxParser.Parse(text, file, false);
        foreach (var diagnostic in document.Diagnostics)
        {
            if (diagnostic.Kind == DiagnosticMessageKind.Error)
            {
                throw new ConfigException(file, diagnostic.Span.Start.Line + 1, diagnostic.Message);
            }
        }

        var top = ReadTable(document.KeyValues, TopKeys, "at the top of the file", file);
        var name = OptionalString(top, "name", file) ?? Environment.MachineName;
        var listen = MeshConfig.DefaultListen;
        if (top.TryGetValue("listen", out var listenValue))
        {
            listen = Address(listenValue, "listen", file);
        }

        var folders = new List<FolderConfig>();
        var folderLines = new Dictionary<string, int>(StringComparer.Ordinal);
        var peers = new List<(PeerConfig Peer, Dictionary<string, KeyValueSyntax> Keys)>();
        foreach (var table in document.Tables)
        {
            var tableName = KeyText(table.Name);
            var line = table.Span.Start.Line + 1;
            if (table is not TableArraySyntax)
            {
                throw new ConfigException(file, line, $"unknown table [{tableName}]; folders and peers are written [[folder]] and [[peer]]");
            }

            switch (tableName)
            {
                case "folder":
                    var folder = ReadFolder(table, file, line);
                    if (folderLines.TryGetValue(folder.Id, out var earlier))
                    {
                        throw new ConfigException(file, line, $"folder id '{folder.Id}' is already used on line {earlier}");
                    }

                    var samePath = folders.FirstOrDefault(f => string.Equals(f.Path, folder.Path, StringComparison.Ordinal));
                    if (samePath is not null)
                    {
                        throw new ConfigException(file, line, $"path '{folder.Path}' is already folder '{samePath.Id}'");
                    }

                    folderLines.Add(folder.Id, line);
                    folders.Add(folder);
                    break;
                case "peer":
                    var keys = ReadTable(table.Items, PeerKeys, "in [[peer]]", file);
                    var peer = ReadPeer(keys, file, line);
                    if (peers.Any(p => p.Peer.DeviceId == peer.DeviceId))
                    {
                        throw new ConfigException(file, line, $"peer {peer.DeviceId} is listed twice");
                    }

                    peers.Add((peer, keys));
                    break;
                default:
                    throw new ConfigException(file, line, $"unknown table [[{tableName}]]; expected [[folder]] or [[peer]]");
            }
        }

        // Checked after the whole file is read, so a peer may be written before the folders it names.
        foreach (var (peer, keys) in peers)
        {
            foreach (var folderId in peer.Folders)
            {
                if (!folderLines.ContainsKey(folderId))
                {
                    throw new ConfigException(file, LineOf(keys["folders"]), $"peer {peer.DeviceId.Short} shares folder '{folderId}', which is not a [[folder]] here");
                }
            }
        }

        return new MeshConfig(name, listen, folders, peers.Select(p => p.Peer).ToList());
    }

    private static FolderConfig ReadFolder(TableSyntaxBase table, string file, int line)
    {
        var keys = ReadTable(table.Items, FolderKeys, "in [[folder]]", file);
        var id = RequiredString(keys, "id", "[[folder]]", file, line);
        if (!FolderIdRules.IsValid(id, out var why))
        {
            throw new ConfigException(file, LineOf(keys["id"]), why);
        }

        var path = RequiredString(keys, "path", "[[folder]]", file, line);
        if (!Path.IsPathFullyQualified(path))
        {
            throw new ConfigException(file, LineOf(keys["path"]), $"folder path '{path}' must be absolute");
        }

        return new FolderConfig(id, Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)));
    }

    private static PeerConfig ReadPeer(Dictionary<string, KeyValueSyntax> keys, string file, int line)
    {
        var idText = RequiredString(keys, "device_id", "[[peer]]", file, line);
        if (!DeviceId.TryParse(idText, out var device))
        {
            throw new ConfigException(file, LineOf(keys["device_id"]), $"'{idText}' is not a valid device ID (mistyped, or its check characters do not match)");
        }

        if (!keys.TryGetValue("address", out var addressValue))
        {
            throw new ConfigException(file, line, "[[peer]] has no 'address' (tcp://HOST:PORT)");
        }

        var address = Address(addressValue, "address", file);
        if (address.Port == 0)
        {
            throw new ConfigException(file, LineOf(addressValue), $"peer address {address} needs a port other than 0");
        }

        var folders = new List<string>();
        if (keys.TryGetValue("folders", out var foldersValue))
        {
            if (foldersValue.Value is not ArraySyntax array)
            {
                throw new ConfigException(file, LineOf(foldersValue), "'folders' must be a list of folder ids, e.g. [\"docs\"]");
            }

            foreach (var item in array.Items)
            {
                if (item.Value is not StringValueSyntax { Value: { } folderId })
                {
                    throw new ConfigException(file, LineOf(foldersValue), "'folders' must hold strings (folder ids)");
                }

                if (folders.Contains(folderId, StringComparer.Ordinal))
                {
                    throw new ConfigException(file, LineOf(foldersValue), $"folder '{folderId}' is listed twice");
                }

                folders.Add(folderId);
            }
        }

        return new PeerConfig(device, address, folders);
    }

    private static Dictionary<string, KeyValueSyntax> ReadTable(SyntaxList<KeyValueSyntax>? items, HashSet<string> known, string where, string file)
    {
        var result = new Dictionary<string, KeyValueSyntax>(StringComparer.Ordinal);
        if (items is null)
        {
            return result;
        }

        foreach (var item in items)
        {
            var key = KeyText(item.Key);
            if (!known.Contains(key))
            {
                throw new ConfigException(file, LineOf(item), $"unknown key '{key}' {where} (known: {string.Join(", ", known.Order(StringComparer.Ordinal))})");
            }

            if (!result.TryAdd(key, item))
            {
                throw new ConfigException(file, LineOf(item), $"'{key}' is set twice {where} (first on line {LineOf(result[key])})");
            }
        }

        return result;
    }

    private static string? OptionalString(Dictionary<string, KeyValueSyntax> keys, string key, string file)
    {
        if (!keys.TryGetValue(key, out var item))
        {
            return null;
        }

        if (item.Value is not StringValueSyntax { Value: { } value })
        {
            throw new ConfigException(file, LineOf(item), $"'{key}' must be a string in quotes");
        }

        return value;
    }

    private static string RequiredString(Dictionary<string, KeyValueSyntax> keys, string key, string table, string file, int tableLine)
    {
        var value = OptionalString(keys, key, file) ?? throw new ConfigException(file, tableLine, $"{table} has no '{key}'");
        if (value.Length == 0)
        {
            throw new ConfigException(file, LineOf(keys[key]), $"'{key}' is empty");
        }

        return value;
    }

    private static TcpAddress Address(KeyValueSyntax item, string key, string file)
    {
        if (item.Value is not StringValueSyntax { Value: { } text })
        {
            throw new ConfigException(file, LineOf(item), $"'{key}' must be a string like \"tcp://HOST:PORT\"");
        }

        return TcpAddress.TryParse(text, out var address, out var error) ? address : throw new ConfigException(file, LineOf(item), error);
    }

    /// <summary>The dotted name of <paramref name="key"/> as TOML reads it (quotes removed).</summary>
    internal static string KeyText(KeySyntax? key)
    {
        if (key is null)
        {
            return string.Empty;
        }

        var parts = new List<string> { SimpleKeyText(key.Key) };
        foreach (var dotted in key.DotKeys)
        {
            parts.Add(SimpleKeyText(dotted.Key));
        }

        return string.Join('.', parts);
    }

    private static string SimpleKeyText(BareKeyOrStringValueSyntax? key) => key switch
    {
        BareKeySyntax bare => bare.Key?.Text ?? string.Empty,
        StringValueSyntax quoted => quoted.Value ?? string.Empty,
        _ => string.Empty,
    };

    private static int LineOf(SyntaxNode node) => node.Span.Start.Line + 1;
}
