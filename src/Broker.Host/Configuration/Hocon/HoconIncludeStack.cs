namespace Broker.Host.Configuration.Hocon;

/// <summary>The files being parsed, outermost first, to refuse an include cycle instead of recursing forever.</summary>
internal sealed class HoconIncludeStack
{
    private readonly List<(string FullPath, string Display)> _files = [];

    public HoconIncludeStack(string fullPath, string display) => Push(fullPath, display);

    public bool Contains(string fullPath) =>
        _files.Exists(f => string.Equals(f.FullPath, fullPath, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal));

    public void Push(string fullPath, string display) => _files.Add((fullPath, display));

    public void Pop() => _files.RemoveAt(_files.Count - 1);

    public string Describe() => string.Join(" -> ", _files.Select(f => f.Display));
}
