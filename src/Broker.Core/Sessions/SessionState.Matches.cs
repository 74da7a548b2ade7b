using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Broker.Core.Routing;

namespace Broker.Core.Sessions;

/// <summary>
/// How the options of a delivery's matching subscriptions combine when the client's non-shared subscriptions
/// overlap and the router sends it one copy for all of them (<see cref="Deliver.Matches"/>). MQTT 5.0, 3.3.4: "the
/// Server MUST deliver the message to the Client respecting the maximum QoS of all the matching subscriptions
/// [MQTT-3.3.4-2]. In addition, the Server MAY deliver further copies"; one copy carries "the Subscription
/// Identifiers for all matching subscriptions which have a Subscription Identifiers" [MQTT-3.3.4-4]. 3.1.1 says the
/// same of QoS [MQTT-3.3.5-1]. Each rule below is the one that makes the single copy the one the client would have
/// been sent by the subscriptions that still match, taken together:
/// <list type="bullet">
/// <item>A subscription removed while the delivery was on its way no longer matches: from UNSUBSCRIBE on, the
/// server "MUST stop adding any new messages which match the Topic Filters for delivery" [MQTT-3.10.4-2]. It is
/// dropped from the matches; the copy goes while one is left, with only what is left (QoS, identifiers, RETAIN).
/// A message already queued or in flight is not looked at again: the server "MAY continue to deliver any existing
/// messages buffered" (3.10.4).</item>
/// <item>No Local [MQTT-3.8.3-3] is a property of one subscription: "Application Messages MUST NOT be forwarded"
/// through it to the publisher's own connection. Such a subscription is dropped from the matches of the client's
/// own message (the router does so already; the session checks again); its other subscriptions still deliver it.
/// <c>ignore_loop_deliver</c> drops the client's own messages whatever the subscriptions say.</item>
/// <item>QoS: the minimum of the published QoS [MQTT-3.8.4-8] and the highest granted of the matches
/// [MQTT-3.3.4-2] (<see cref="Deliver.MaximumQoS"/>).</item>
/// <item>Retain As Published: a live message keeps RETAIN when any match asked for it, and has it cleared only when
/// none did [MQTT-3.3.1-12], [MQTT-3.3.1-13]. Both cannot hold for two subscriptions of opposite options in one
/// copy; the flag is information the client asked for on one of them, so the one that asks for more wins, as the
/// highest QoS does.</item>
/// <item>Subscription identifiers: every match's, repeats kept, in any order [MQTT-3.3.4-3], [MQTT-3.3.4-4]
/// (<see cref="Deliver.SubscriptionIdentifiers"/>); none are sent to a 3.1.1 client.</item>
/// </list>
/// </summary>
public sealed partial class SessionState
{
    /// <summary>
    /// The delivery with only the matches that still count, as above: the same instance when all do (no allocation
    /// in the common case), null when none does.
    /// </summary>
    private Deliver? StillMatching(Deliver deliver)
    {
        var own = deliver.Message.PublisherId == ClientId;
        if (own && _settings.IgnoreLoopDeliver)
        {
            return null;
        }

        var matches = deliver.Matches;
        var kept = 0;
        foreach (var match in matches)
        {
            kept += Counts(match, own) ? 1 : 0;
        }

        if (kept == matches.Length)
        {
            return deliver;
        }

        if (kept == 0)
        {
            return null;
        }

        var left = new SubscriptionMatch[kept];
        var next = 0;
        foreach (var match in matches)
        {
            if (Counts(match, own))
            {
                left[next++] = match;
            }
        }

        return deliver with { Matches = ImmutableCollectionsMarshal.AsImmutableArray(left) };
    }

    private bool Counts(SubscriptionMatch match, bool own) =>
        _subscriptions.ContainsKey(match.Filter) && !(own && match.Options.NoLocal);
}
