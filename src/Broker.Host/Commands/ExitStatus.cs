namespace Broker.Host.Commands;

/// <summary>The code <c>broker run</c> exits with when the host stopped for a reason of the broker's own, not a signal.</summary>
internal sealed class ExitStatus
{
    public int Code { get; set; } = ExitCodes.Success;
}
