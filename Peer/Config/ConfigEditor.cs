using Tomlyn.Parsing;

namespace Mesh.Peer.Config;

/// <summary>
/// Changes an existing <c>config.toml</c> the way a person would: a new folder or peer is appended as
/// one more table, and a new name or listen address replaces just that value, so comments, order and
/// blank lines the person wrote stay as they were. Every result is read back with
/// <see cref="ConfigReader"/> before it replaces the file, which it does atomically.
/// </summary>
internal static class ConfigEditor
{
    /// <summary>Appends <paramref name="folder"/> to the file at <paramref name="path"/>.</summary>
    /// <exception cref="ConfigException">The file does not read, or would not read back with the folder.</exception>
    public static void AddFolder(string path, FolderConfig folder)
    {
        var before = ConfigReader.Read(path);
        Replace(path, Append(File.ReadAllText(path), ConfigWriter.Table(folder)), before with { Folders = [.. before.Folders, folder] });
    }

    /// <summary>Appends <paramref name="peer"/> to the file at <paramref name="path"/>.</summary>
    /// <exception cref="ConfigException">The file does not read, or would not read back with the peer.</exception>
    public static void AddPeer(string path, PeerConfig peer)
    {
        var before = ConfigReader.Read(path);
        Replace(path, Append(File.ReadAllText(path), ConfigWriter.Table(peer)), before with { Peers = [.. before.Peers, peer] });
    }

    /// <summary>Sets the top-level <c>name</c> and/or <c>listen</c> of the file at <paramref name="path"/>; a null leaves it as it is.</summary>
    /// <exception cref="ConfigException">The file does not read, or would not read back with the change.</exception>
    public static void SetTopLevel(string path, string? name, TcpAddress? listen)
    {
        var before = ConfigReader.Read(path);
        var text = File.ReadAllText(path);
        if (name is not null)
        {
            text = SetTopLevelValue(text, path, "name", ConfigWriter.Quote(name));
        }

        if (listen is not null)
        {
            text = SetTopLevelValue(text, path, "listen", ConfigWriter.Quote(listen.ToString()));
        }

        Replace(path, text, before with { Name = name ?? before.Name, Listen = listen ?? before.Listen });
    }

    private static string Append(string text, string table)
    {
        var separator = text.Length == 0 ? string.Empty : text.EndsWith('\n') ? "\n" : "\n\n";
        return text + separator + table;
    }

    // Replaces the value of a top-level key in place, or inserts the key before the first table
    // (after it would put the key into that table).
    private static string SetTopLevelValue(string text, string file, string key, string tomlValue)
    {
        var document = SyntaxParser.Parse(text, file, false);
        if (document.KeyValues.FirstOrDefault(kv => ConfigReader.KeyText(kv.Key) == key) is { Value: { } value })
        {
            var start = value.Span.Start.Offset;
            var end = value.Span.End.Offset + 1;
            return string.Concat(text.AsSpan(0, start), tomlValue, text.AsSpan(end));
        }

        var line = $"{key} = {tomlValue}\n";
        if (document.Tables.FirstOrDefault() is not { } firstTable)
        {
            return Append(text, line);
        }

        var insertAt = firstTable.Span.Start.Offset;
        return string.Concat(text.AsSpan(0, insertAt), line, "\n", text.AsSpan(insertAt));
    }

    private static void Replace(string path, string text, MeshConfig expected)
    {
        var after = ConfigReader.Parse(text, path);
        if (after.Name != expected.Name || after.Listen != expected.Listen || !after.Folders.SequenceEqual(expected.Folders) ||
            after.Peers.Count != expected.Peers.Count)
        {
            // Only a file the reader accepts reaches here, and appending a table or swapping one value
            // cannot change anything else; this guards against that reasoning being wrong.
            throw new ConfigException(path, 0, "the edited file would not read back as intended; it was left unchanged");
        }

        ConfigWriter.WriteText(path, text);
    }
}
