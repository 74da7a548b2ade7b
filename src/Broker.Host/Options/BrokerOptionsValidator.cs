using Broker.Host.Configuration;

namespace Broker.Host.Options;

/// <summary>
/// Checks bound options before anything starts, returning every problem with its key and the
/// allowed range. Bounds come from the MQTT specification where it sets them (a packet's
/// Remaining Length, two-byte Topic Alias and Receive Maximum) and from EMQX's schema otherwise.
/// </summary>
public static partial class BrokerOptionsValidator
{
    public static List<ConfigurationError> Validate(BrokerOptions options)
    {
        var errors = new List<ConfigurationError>();
        ValidateNode(options.Node, errors);
        ValidateListeners(options.Listeners, errors);
        ValidateMqtt(options.Mqtt, errors);
        ValidatePersistence(options.Persistence, errors);
        ValidateCluster(options.Cluster, errors);
        ValidateManagement(options.Management.Http, errors);
        ValidateDashboard(options.Dashboard, errors);
        ValidateAuthentication(options.Authentication, errors);
        ValidateAuthorization(options.Authorization, errors);
        ValidateProtection(options, errors);
        return errors;
    }

    private static void ValidateNode(NodeOptions node, List<ConfigurationError> errors)
    {
        var at = node.Name.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at == node.Name.Length - 1 || node.Name.IndexOf('@', at + 1) >= 0 || node.Name.Any(char.IsWhiteSpace))
            errors.Add(new("node.name", $"must look like name@host, e.g. broker@10.0.0.1, got \"{node.Name}\""));
        if (string.IsNullOrWhiteSpace(node.DataDir))
            errors.Add(new("node.data_dir", "must not be empty"));
    }

    private static void Range(List<ConfigurationError> errors, string key, long value, long min, long max)
    {
        if (value < min || value > max)
            errors.Add(new(key, $"must be between {min} and {max}, got {value}"));
    }
}
