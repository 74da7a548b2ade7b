using Broker.Transport.Messaging;
using Broker.Transport.Mqtt;
using Broker.Transport.Routing;

namespace Broker.Transport.Sessions;

/// <summary>
/// Push-back from a connected subscriber that cannot keep up with QoS 1/2 messages (fan-in): a delivery that has
/// to wait in the queue keeps its publisher's inbound credit until a queued QoS 1/2 message leaves the queue, so
/// its publishers slow down through TCP, as a single-threaded broker would, instead of the queue growing far
/// behind them (acknowledged, yet delivered seconds later). Only while the subscriber makes progress: one that
/// has acknowledged nothing for <see cref="CreditStallMs"/> gives every credit back and keeps none until it does,
/// so a stalled subscriber holds its publishers up for that long at most, and an absent one not at all. Credits
/// are fungible per publisher, not per message: which ones come back first does not matter, only that every one does.
/// </summary>
public sealed partial class SessionState
{
    /// <summary>How long a subscriber may acknowledge nothing before it stops holding its publishers back.</summary>
    public const long CreditStallMs = 5_000;

    private Queue<IInboundCredit>? _heldCredits;
    private long _lastProgressMs;

    public int HeldCredits => _heldCredits?.Count ?? 0;

    /// <summary>When <see cref="ReleaseCreditsIfStalled"/> should look; null while nothing is held.</summary>
    public long? NextCreditStallCheckMs() => HeldCredits > 0 ? _lastProgressMs + CreditStallMs : null;

    /// <summary>The client acknowledged something (or attached): it is draining its queue.</summary>
    private void Progressed(long nowMs) => _lastProgressMs = nowMs;

    /// <summary>Keeps the credit of a QoS 1/2 delivery that was just queued for a connected client that makes progress; false when the caller returns it.</summary>
    private bool TryHoldCredit(Deliver deliver, QualityOfService qos, long nowMs)
    {
        if (deliver.Credit is not { } credit || qos == QualityOfService.AtMostOnce || _connection is null || nowMs - _lastProgressMs >= CreditStallMs)
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

    /// <summary>A subscriber that acknowledged nothing for <see cref="CreditStallMs"/> holds its publishers back no longer.</summary>
    public void ReleaseCreditsIfStalled(long nowMs)
    {
        if (nowMs - _lastProgressMs >= CreditStallMs)
        {
            ReleaseHeldCredits();
        }
    }

    /// <summary>Every credit kept goes back: the session stops without ending (shutdown, storage failure), or its client stalled.</summary>
    public void ReleaseHeldCredits()
    {
        while (_heldCredits?.TryDequeue(out var credit) == true)
        {
            credit.Return();
        }
    }
}
