using Microsoft.Extensions.Configuration;

namespace Broker.Host.Options;

public sealed class NodeOptions
{
    /// <summary><c>name@host</c>: the node's identity in the cluster, unique per node.</summary>
    [ConfigurationKeyName("name")]
    public string Name { get; set; } = "broker@127.0.0.1";

    /// <summary>Where the node keeps persistent state; relative paths are relative to the working directory.</summary>
    [ConfigurationKeyName("data_dir")]
    public string DataDir { get; set; } = "data";
}
