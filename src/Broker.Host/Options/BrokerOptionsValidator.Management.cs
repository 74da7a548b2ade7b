using System.Net;
using Broker.Host.Configuration;

namespace Broker.Host.Options;

public static partial class BrokerOptionsValidator
{
    private static void ValidateManagement(ManagementHttpOptions http, List<ConfigurationError> errors)
    {
        Range(errors, "management.http.port", http.Port, 0, 65535);
        if (!IPAddress.TryParse(http.Bind, out _))
            errors.Add(new("management.http.bind", $"must be an IP address such as 127.0.0.1 or 0.0.0.0, got \"{http.Bind}\""));
    }
}
