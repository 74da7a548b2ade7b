using Broker.Host.Configuration.Hocon;
using Microsoft.Extensions.Configuration;

namespace Broker.Host.Configuration;

/// <summary>
/// A HOCON file (or an already parsed document) as a configuration source. Levels are joined
/// with ':' and array elements become index keys (<c>a:0</c>, <c>a:1</c>), as for JSON.
/// </summary>
public sealed class HoconConfigurationSource : IConfigurationSource
{
    /// <summary>The file to read when <see cref="Document"/> is not given.</summary>
    public string? Path { get; init; }

    /// <summary>A missing <see cref="Path"/> then yields no keys instead of an error.</summary>
    public bool Optional { get; init; }

    /// <summary>Lookup for <c>${VAR}</c> fallbacks; null for the process environment.</summary>
    public Func<string, string?>? Environment { get; init; }

    /// <summary>A document parsed beforehand, e.g. to report its errors without throwing from Build().</summary>
    public HoconConfig? Document { get; init; }

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new HoconConfigurationProvider(this);
}
