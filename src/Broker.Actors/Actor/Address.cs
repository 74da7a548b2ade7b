namespace Broker.Actors;

/// <summary>
/// Where an actor system lives: <c>broker://name</c> in this process, <c>broker.tcp://name@host:port</c>
/// on a node of the cluster. Part of every <see cref="ActorPath"/>, so a path names one actor in the
/// whole cluster.
/// </summary>
public sealed record Address(string Protocol, string System, string? Host = null, int? Port = null)
{
    public const string LocalProtocol = "broker";

    public static Address Local(string system) => new(LocalProtocol, system);

    public bool HasLocalScope => Host is null;

    public override string ToString() =>
        Host is null ? $"{Protocol}://{System}" : $"{Protocol}://{System}@{Host}{(Port is { } port ? $":{port}" : "")}";
}
