using Broker.Transport.Messaging;
using Broker.Transport.Mqtt;
using Broker.Transport.Routing;

namespace Broker.Transport.Sessions;

/// <summary>
/// Push-back from a connected subscriber that cannot keep up with QoS 1/2 messages (fan-in): a delivery that has
/// to wait in the queue keeps its publisher's inbound credit until a queued QoS 1/2 message leaves the queue, so
/// its publishers slow down through TCP, as a single-threaded broker would, instead of the queue growing far
/// behind them (acknowledged, yet delivered seconds later). Bounded: at most <see cref="MaxHeldCredits"/> per
/// session, and none while the client is away, so a stalled or absent subscriber holds a publisher up by at most
/// that much. Credits are fungible per publisher, not per message: which ones come back first does not matter, only
/// that every one does.
/// </summary>
public sealed partial class SessionState
{
    /// <summary>The most publisher credits one session keeps: its fair share of a publisher's 1,000 (InboundWindow).</summary>
    public const int MaxHeldCredits = 500;

    private Queue<IInboundCredit>? _heldCredits;

    public int HeldCredits => _heldCredits?.Count ?? 0;

    /// <summary>Keeps the credit of a QoS 1/2 delivery that was just queued for a connected client; false when the caller returns it.</summary>
    private bool TryHoldCredit(Deliver deliver, QualityOfService qos)
    {
        if (deliver.Credit is not { } credit || qos == QualityOfService.AtMostOnce || _connection is null || HeldCredits >= MaxHeldCredits)
        {
            return false;
        }

        (_heldCredits ??= new()).Enqueue(credit);
        return true;
    }

    /// <summary>Returns what is no longer covered by queued QoS 1/2 messages of a connected client.</summary>
    private void ReleaseCredits()
    {
        if (_heldCredits is not { Count: > 0 } held)
        {
            return;
        }

        var covered = _connection is null ? 0 : _queue.Count - _queue.AtMostOnceCount;
        while (held.Count > covered)
        {
            held.Dequeue().Return();
        }
    }

    /// <summary>Every credit kept goes back: the session stops without ending (shutdown, storage failure).</summary>
    public void ReleaseHeldCredits()
    {
        while (_heldCredits?.TryDequeue(out var credit) == true)
        {
            credit.Return();
        }
    }
}
