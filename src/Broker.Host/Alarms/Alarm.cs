using System.Text.Json;

namespace Broker.Host.Alarms;

/// <summary>
/// One alarm, as EMQX's <c>emqx_alarm</c> keeps it: raised under a name (one active alarm per name), with details and a
/// message, and, once cleared, when. Immutable: clearing makes the history's copy.
/// </summary>
/// <param name="Details">A JSON object: what was measured against what (usage, watermarks, nodes).</param>
/// <param name="Node">The node that raised it.</param>
public sealed record Alarm(string Name, JsonElement Details, string Message, DateTimeOffset ActivateAt, DateTimeOffset? DeactivateAt, string Node)
{
    public bool IsActive => DeactivateAt is null;

    /// <summary>How long it was (or has been, until <paramref name="now"/>) active.</summary>
    public TimeSpan Duration(DateTimeOffset now) => (DeactivateAt ?? now) - ActivateAt;
}
