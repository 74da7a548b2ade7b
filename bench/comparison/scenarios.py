"""The load scenarios run against every broker, and the targets from the issue they are judged by."""

from dataclasses import dataclass, field
from typing import Callable, Optional

# Every scenario publishes 64-byte payloads; the generator's own default is the same, but
# saying it keeps the command self-explanatory in the report.
PAYLOAD = ["--size", "64"]


@dataclass(frozen=True)
class Scenario:
    id: str            # stable key in the JSONL and the report
    number: str        # number in the issue's list ("2b" for the QoS 2 variant)
    title: str
    args: list         # `broker bench` arguments, without the common ones (--host, --port, --duration, ...)
    qos: int = 0
    # Seconds of publishing, unless the command line's --duration or --quick says otherwise.
    duration_s: float = 10
    # The MQTT version the scenario is defined with ("4" = 3.1.1); None: the run's --mqtt-version.
    mqtt_version: Optional[str] = None
    kind: str = "messages"   # "messages" or "connections": which figures the report shows
    subscribers: int = 1     # deliveries per publish, to know what "everything offered" is
    offered_per_s: Optional[float] = None   # publish rate the scenario offers, when it is not flat out
    targets: tuple = ()
    # Also run against the null broker, whose figures show what the generator itself adds.
    baseline: bool = False
    # Runs per broker, interleaved (each broker once per round); the report shows the round with the median
    # p99 latency. For a tail latency that another process on the machine moves by milliseconds at random.
    rounds: int = 1


@dataclass(frozen=True)
class Target:
    text: str
    # (figures by broker key, scenario) -> (met, what was measured); met is `None` when a figure is missing.
    # Each broker's figures are its generator JSON with the script's own measurements, or None.
    check: Callable = field(repr=False)
    issue: str = ""


def delivered_rate(result):
    """Distinct deliveries per second within the window; generators older than acked_lost printed received_per_s only."""
    if not result:
        return None
    rate = result.get("delivered_per_s")
    return rate if rate is not None else result.get("received_per_s")


def _ratio_target(factor, other, other_label, no_acked_loss=False, no_duplicates=False):
    """Ours delivers at least `factor` times what `other` delivers, and (QoS 1/2) lost nothing it acknowledged."""
    def check(figures, scenario):
        ours, theirs = figures.get("ours"), figures.get(other)
        a, b = delivered_rate(ours), delivered_rate(theirs)
        if a is None or not b:
            return None, f"a figure is missing (ours {_rate(a)}, {other_label} {_rate(b)})"
        met = a >= factor * b
        measured = f"ours {a:,.0f} msg/s, {other_label} {b:,.0f} msg/s: {a / b:.2f}x"
        if no_acked_loss:
            lost = ours.get("acked_lost")
            if lost is None:
                return None, measured + "; acked_lost missing"
            met = met and lost == 0
            measured += f"; ours acked_lost {lost:,} of {ours.get('acked_deliveries') or 0:,} acknowledged"
        if no_duplicates:
            duplicates = ours.get("duplicates") or 0
            met = met and duplicates == 0
            measured += f", {duplicates:,} duplicates"
        return met, measured
    return check


def _rate(value):
    return "–" if value is None else f"{value:,.0f}/s"


def _delivers_everything(figures, scenario):
    ours = figures.get("ours")
    if not ours:
        return None, "not run"
    sent, received, lost, sent_per_s = (ours.get(key) or 0 for key in ("sent", "received", "lost", "sent_per_s"))
    expected = sent * scenario.subscribers
    # "Offered" is the publisher's 1,000 msg/s: a broker that slows the publisher down does not meet it.
    met = lost == 0 and received >= expected and sent_per_s >= 0.95 * scenario.offered_per_s
    return met, (f"{received:,} of {expected:,} deliveries, {lost:,} lost, "
                 f"{sent_per_s:,.0f} of {scenario.offered_per_s:,.0f} msg/s offered sent")


def _latency_target(figures, scenario):
    ours, mosquitto = figures.get("ours"), figures.get("mosquitto")
    p99 = (ours.get("latency_us") or {}).get("p99") if ours else None
    theirs = (mosquitto.get("latency_us") or {}).get("p99") if mosquitto else None
    if p99 is None:
        return None, "not run"
    if theirs is None:
        return p99 <= 1000 and None, f"p99 {p99:,.0f} us, mosquitto not measured"
    return p99 <= 1000 and p99 <= theirs, f"p99 {p99:,.0f} us, mosquitto {theirs:,.0f} us"


def _connections_target(figures, scenario):
    ours = figures.get("ours")
    if not ours or ours.get("kb_per_connection") is None:
        return None, "not run"
    kb, rate = ours["kb_per_connection"], ours.get("conn_per_s") or 0
    return kb <= 4 and rate >= 15000, f"{kb:.2f} KB per connection, {rate:,.0f} connections/s"


# Fan-in as issue 12 defines it: MQTT 3.1.1, 10 publishers on bench/0..9 and one subscriber on bench/#, 64-byte
# payloads, 15 s; at QoS 1 and 2 each publisher keeps 64 PUBLISH in flight and sends a new one as each PUBACK
# (PUBCOMP) arrives; the subscriber acknowledges each message as it reads it (the generator's default).
FAN_IN_SECONDS = 15
FAN_IN_INFLIGHT = "64"


def scenarios(connections):
    """The issues' scenarios, in issue 5's order."""
    fan_in = ["pubsub", "--pubs", "10", "--subs", "1", "--pub-topic", "bench/%i",
              "--sub-topic", "bench/#", "--rate", "0", *PAYLOAD]
    return [
        Scenario("fanin-qos0", "1", "Fan-in, QoS 0: 10 publishers flat out, 1 subscriber on bench/#",
                 fan_in + ["--qos", "0"], qos=0, duration_s=FAN_IN_SECONDS, mqtt_version="4",
                 targets=(Target("delivered msg/s >= NATS's", _ratio_target(1, "nats", "NATS"), "12"),
                          Target("delivered msg/s >= 4x mosquitto's", _ratio_target(4, "mosquitto", "mosquitto"), "5"))),
        Scenario("fanin-qos1", "2", "Fan-in, QoS 1: 10 publishers with 64 in flight each, 1 subscriber on bench/#",
                 fan_in + ["--qos", "1", "--inflight", FAN_IN_INFLIGHT], qos=1, duration_s=FAN_IN_SECONDS, mqtt_version="4",
                 targets=(Target("delivered msg/s >= 3x mosquitto's, no acknowledged message lost",
                                 _ratio_target(3, "mosquitto", "mosquitto", no_acked_loss=True), "12"),)),
        Scenario("fanin-qos2", "2b", "Fan-in, QoS 2: 10 publishers with 64 in flight each, 1 subscriber on bench/#",
                 fan_in + ["--qos", "2", "--inflight", FAN_IN_INFLIGHT], qos=2, duration_s=FAN_IN_SECONDS, mqtt_version="4",
                 targets=(Target("delivered msg/s >= 3x mosquitto's, no acknowledged message lost, no duplicate",
                                 _ratio_target(3, "mosquitto", "mosquitto", no_acked_loss=True, no_duplicates=True), "12"),)),
        Scenario("fanout-qos0", "3", "Fan-out, QoS 0: 1 publisher at 1,000 msg/s, 1,000 subscribers on one topic",
                 ["pubsub", "--pubs", "1", "--subs", "1000", "--rate", "1000", "--pub-topic", "bench/fan",
                  "--sub-topic", "bench/fan", "--qos", "0", *PAYLOAD],
                 subscribers=1000, offered_per_s=1000,
                 targets=(Target("everything offered is delivered, no loss", _delivers_everything, "5"),)),
        Scenario("pairs-qos0", "4", "1,000 publisher/subscriber pairs at 10 msg/s each, QoS 0",
                 ["pubsub", "--pubs", "1000", "--subs", "1000", "--rate", "10", "--pub-topic", "bench/%i",
                  "--sub-topic", "bench/%i", "--qos", "0", *PAYLOAD],
                 offered_per_s=10000, baseline=True, rounds=3,
                 targets=(Target("p99 latency <= 1 ms and <= mosquitto's", _latency_target, "5"),)),
        Scenario("idle-connections", "5", f"{connections:,} idle connections from 16 source addresses",
                 ["conn", "-c", str(connections), "--source-ips", "127.0.0.1-127.0.0.16",
                  "--conn-rate", "20000"],
                 kind="connections",
                 targets=(Target("<= 4 KB per connection and >= 15,000 connections/s", _connections_target, "5"),)),
    ]


# Run before the measured scenarios and not recorded: it JIT-compiles our broker's publish and
# connect paths, so that the first measured seconds are not spent compiling.
WARMUP = ["pubsub", "--pubs", "10", "--subs", "10", "--pub-topic", "warm/%i", "--sub-topic", "warm/%i",
          "--qos", "1", "--rate", "100", *PAYLOAD]
# Then 2,000 connections over 2 s: enough calls, spread in time, for the tiered JIT to have optimized our
# broker's accept and CONNECT path before scenario 5 measures it (with only the first warm-up, a fifth of the
# broker's CPU in scenario 5 went to the JIT's background compiler).
WARMUP_CONNECTIONS = ["conn", "-c", "2000", "--conn-rate", "1000"]
