namespace Broker.Benchmarks.Actors;

/// <summary>The message the benchmarks exchange: one static immutable instance, so sending allocates nothing of its own.</summary>
internal sealed record Ping
{
    public static readonly Ping Instance = new();

    private Ping()
    {
    }
}

/// <summary>Starts one benchmark operation in an actor that was created once, in setup.</summary>
internal sealed record Start
{
    public static readonly Start Instance = new();

    private Start()
    {
    }
}
