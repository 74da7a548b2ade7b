using System.Globalization;
using Broker.Host.Configuration.Hocon;
using Microsoft.Extensions.Configuration;

namespace Broker.Host.Configuration;

public sealed class HoconConfigurationProvider(HoconConfigurationSource source) : ConfigurationProvider, IConfigurationOrigin
{
    private Dictionary<string, string> _origins = new(StringComparer.OrdinalIgnoreCase);

    /// <exception cref="HoconException">The file is invalid, or missing and not optional.</exception>
    public override void Load()
    {
        var document = source.Document ?? Read();
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var origins = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (document is not null)
        {
            foreach (var (key, value) in document.Root.Fields)
                Flatten(key, value, data, origins);
        }
        Data = data;
        _origins = origins;
    }

    private HoconConfig? Read()
    {
        if (source.Path is null)
            throw new InvalidOperationException("A HOCON configuration source needs a Path or a Document.");
        if (source.Optional && !File.Exists(source.Path))
            return null;
        return HoconConfig.ParseFile(source.Path, source.Environment);
    }

    public string? DescribeOrigin(string key) => ConfigurationOrigins.Lookup(_origins, key);

    private static void Flatten(string key, HoconValue value, Dictionary<string, string?> data, Dictionary<string, string> origins)
    {
        origins[key] = value.Origin.ToString();
        switch (value)
        {
            case HoconObject { Count: > 0 } obj:
                foreach (var (child, childValue) in obj.Fields)
                    Flatten(ConfigurationPath.Combine(key, child), childValue, data, origins);
                break;
            case HoconArray { Items.Count: > 0 } array:
                for (var i = 0; i < array.Items.Count; i++)
                    Flatten(ConfigurationPath.Combine(key, i.ToString(CultureInfo.InvariantCulture)), array.Items[i], data, origins);
                break;
            case HoconScalar { Kind: not HoconScalarKind.Null } scalar:
                data[key] = scalar.Text;
                break;
            default:
                // null, {} and []: the key exists without a value, as the JSON provider does it.
                data[key] = null;
                break;
        }
    }
}
