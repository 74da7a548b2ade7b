namespace Broker.Host.Configuration.Hocon;

/// <summary>
/// A parsed and fully resolved HOCON document, with typed accessors by path
/// (<c>GetBytes("mqtt.max_packet_size")</c>).
/// </summary>
/// <remarks>
/// Substitutions that find no setting fall back to the environment: <c>${?BROKER_NODE_NAME}</c>
/// reads the variable when the document has no such key. The lookup is a parameter so tests and
/// hosts can supply their own; by default it is the process environment.
/// </remarks>
public sealed partial class HoconConfig
{
    private HoconConfig(HoconObject root, string fileName)
    {
        Root = root;
        FileName = fileName;
    }

    public HoconObject Root { get; }

    /// <summary>The name errors are reported under.</summary>
    public string FileName { get; }

    /// <summary>Parses text; includes are resolved relative to the directory of <paramref name="fileName"/>.</summary>
    /// <param name="fileName">Name for error messages, e.g. a pseudo file name in tests.</param>
    /// <param name="environment">Lookup for substitutions not found in the document; null for the process environment.</param>
    /// <exception cref="HoconException">The text is invalid or a substitution cannot be resolved.</exception>
    public static HoconConfig ParseString(string text, string fileName = "<string>", Func<string, string?>? environment = null) =>
        Parse(text, fileName, Path.GetFullPath(fileName), environment);

    /// <param name="displayName">Name for error messages; by default <paramref name="path"/> as given.</param>
    /// <exception cref="HoconException">The file is missing, unreadable or invalid.</exception>
    public static HoconConfig ParseFile(string path, Func<string, string?>? environment = null, string? displayName = null)
    {
        var display = displayName ?? path;
        var full = Path.GetFullPath(path);
        string text;
        try
        {
            text = File.ReadAllText(full);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new HoconException(new HoconOrigin(display, 0, 0), null, "file not found");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HoconException(new HoconOrigin(display, 0, 0), null, $"cannot read the file: {e.Message}");
        }
        return Parse(text, display, full, environment);
    }

    private static HoconConfig Parse(string text, string display, string fullPath, Func<string, string?>? environment)
    {
        var builder = new HoconTreeBuilder(new HoconOrigin(display, 1, 1), bindSelfReferences: true);
        var includes = new HoconIncludeStack(fullPath, display);
        new HoconParser(text, display, Path.GetDirectoryName(fullPath)!, [], includes).ParseDocument(builder, []);
        var root = new HoconResolver(builder.Root, environment ?? Environment.GetEnvironmentVariable).ResolveRoot();
        return new HoconConfig(root, display);
    }
}
