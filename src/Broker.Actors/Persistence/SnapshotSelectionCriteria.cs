using System.Data.Common;

namespace Broker.Actors.Persistence;

/// <summary>Which snapshots a load or a delete considers: those with a sequence number and a timestamp within the bounds (included).</summary>
public sealed record SnapshotSelectionCriteria(long MaxSequenceNr, DateTimeOffset MaxTimestamp, long MinSequenceNr = 0)
{
    public static readonly SnapshotSelectionCriteria Latest = new(long.MaxValue, DateTimeOffset.MaxValue);

    /// <summary>Recovery without a snapshot: every event is replayed.</summary>
    public static readonly SnapshotSelectionCriteria None = new(0, DateTimeOffset.MinValue);

    public static SnapshotSelectionCriteria UpTo(long maxSequenceNr) => new(maxSequenceNr, DateTimeOffset.MaxValue);

    /// <summary>
    /// The parameters of a snapshot store's statement that selects by these criteria: <c>id</c>, <c>min</c>, <c>max</c>
    /// and <c>maxAt</c>, the timestamp as the stores keep it (Unix milliseconds, its extremes kept the extremes).
    /// </summary>
    /// <param name="prefix">What the store's SQL dialect puts before a parameter's name.</param>
    internal void AddParameters(DbCommand command, string prefix, string persistenceId)
    {
        var maxAt = MaxTimestamp == DateTimeOffset.MaxValue ? long.MaxValue
            : MaxTimestamp == DateTimeOffset.MinValue ? long.MinValue
            : MaxTimestamp.ToUnixTimeMilliseconds();
        Add(command, prefix + "id", persistenceId);
        Add(command, prefix + "min", MinSequenceNr);
        Add(command, prefix + "max", MaxSequenceNr);
        Add(command, prefix + "maxAt", maxAt);
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
