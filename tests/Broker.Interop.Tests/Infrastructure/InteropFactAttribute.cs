namespace Broker.Interop.Tests.Infrastructure;

/// <summary>
/// A test that drives the named <see cref="Tools"/>: skipped with the install command as the reason when
/// one is missing, except under CI=true (see <see cref="Tools"/>). <see cref="OursOnly"/> tests start this
/// repository's broker themselves and are skipped when INTEROP_BROKER points the suite elsewhere;
/// <see cref="OwnBroker"/> tests start a broker of the target's kind and are skipped for an external one.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class InteropFactAttribute(params string[] tools) : FactAttribute
{
    public bool OursOnly { get; set; }

    public bool OwnBroker { get; set; }

    /// <summary>Computed when xunit reads it (at discovery), after the named arguments are set.</summary>
    public override string? Skip
    {
        get => base.Skip ?? InteropSkip.Reason(tools, OursOnly, OwnBroker);
        set => base.Skip = value;
    }
}

/// <summary>The <see cref="InteropFactAttribute"/> of data-driven tests.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class InteropTheoryAttribute(params string[] tools) : TheoryAttribute
{
    public bool OursOnly { get; set; }

    public bool OwnBroker { get; set; }

    public override string? Skip
    {
        get => base.Skip ?? InteropSkip.Reason(tools, OursOnly, OwnBroker);
        set => base.Skip = value;
    }
}

internal static class InteropSkip
{
    public static string? Reason(IEnumerable<string> tools, bool oursOnly, bool ownBroker)
    {
        if (oursOnly && BrokerTarget.Kind != BrokerTargetKind.Ours)
            return $"ours only: starts this repository's broker itself ({BrokerTarget.Variable} is set)";
        if (ownBroker && BrokerTarget.Kind == BrokerTargetKind.External)
            return $"starts its own broker process, which {BrokerTarget.Variable}=host:port does not allow";
        if (Tools.InCi)
            return null;
        var missing = tools.Select(Tools.MissingReason).OfType<string>().ToList();
        return missing.Count == 0 ? null : string.Join("; ", missing);
    }
}
