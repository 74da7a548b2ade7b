using Microsoft.Extensions.Configuration;

namespace Broker.Host.Configuration;

public static class HoconConfigurationExtensions
{
    public static IConfigurationBuilder AddHoconFile(this IConfigurationBuilder builder, string path, bool optional = false, Func<string, string?>? environment = null) =>
        builder.Add(new HoconConfigurationSource { Path = path, Optional = optional, Environment = environment });
}
