namespace Mesh.Peer.Config;

/// <summary>A configuration file that cannot be used; the message names the file, the line and what is wrong.</summary>
internal sealed class ConfigException : Exception
{
    /// <summary>Creates the error for <paramref name="file"/> at 1-based <paramref name="line"/> (0 when the file as a whole is wrong).</summary>
    public ConfigException(string file, int line, string problem)
        : base(line > 0 ? $"{file}:{line}: {problem}" : $"{file}: {problem}")
    {
        File = file;
        Line = line;
        Problem = problem;
    }

    /// <summary>Creates an error without a location.</summary>
    public ConfigException()
        : this("config.toml", 0, "invalid configuration")
    {
    }

    /// <summary>Creates an error without a location.</summary>
    public ConfigException(string message)
        : this("config.toml", 0, message)
    {
    }

    /// <summary>Creates an error without a location.</summary>
    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
        File = "config.toml";
        Problem = message;
    }

    /// <summary>The configuration file.</summary>
    public string File { get; }

    /// <summary>1-based line of the problem; 0 when it is not on one line.</summary>
    public int Line { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }
}
