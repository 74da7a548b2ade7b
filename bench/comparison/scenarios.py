"""The load scenarios run against every broker, and the targets from the issue they are judged by."""

from dataclasses import dataclass, field
from typing import Callable, Optional

# Every scenario publishes 64-byte payloads; the generator's own default is the same, but
# saying it keeps the command self-explanatory in the report.
PAYLOAD = ["--size", "64"]


@dataclass(frozen=True)
class Scenario:
    id: str            # stable key in the JSONL and the report
    number: str        # number in the list ("2b" for the QoS 2 variant)
    title: str
    args: list         # `broker bench` arguments, without the common ones (--host, --port, --duration, ...)
    qos: int = 0
    kind: str = "messages"   # "messages" or "connections": which figures the report shows
    subscribers: int = 1     # deliveries per publish, to know what "everything offered" is
    offered_per_s: Optional[float] = None   # publish rate the scenario offers, when it is not flat out
    target: Optional["Target"] = None
    # Also run against the null broker, whose figures show what the generator itself adds.
    baseline: bool = False
    # Runs per broker, interleaved (each broker once per round); the report shows the round with the median
    # p99 latency. For a tail latency that another process on the machine moves by milliseconds at random.
    rounds: int = 1


@dataclass(frozen=True)
class Target:
    text: str
    # (ours, mosquitto, scenario) -> (met, what was measured); `None` when a figure is missing.
    check: Callable = field(repr=False)


def _received_rate(result):
    return result.get("received_per_s") if result else None


def _ratio_target(factor):
    def check(ours, mosquitto, scenario):
        a, b = _received_rate(ours), _received_rate(mosquitto)
        if not a or not b:
            return None, "a figure is missing"
        return a >= factor * b, f"ours / mosquitto = {a / b:.2f}x"
    return check


def _delivers_everything(ours, mosquitto, scenario):
    if not ours:
        return None, "not run"
    sent, received, lost, sent_per_s = (ours.get(key) or 0 for key in ("sent", "received", "lost", "sent_per_s"))
    expected = sent * scenario.subscribers
    # "Offered" is the publisher's 1,000 msg/s: a broker that slows the publisher down does not meet it.
    met = lost == 0 and received >= expected and sent_per_s >= 0.95 * scenario.offered_per_s
    return met, (f"{received:,} of {expected:,} deliveries, {lost:,} lost, "
                 f"{sent_per_s:,.0f} of {scenario.offered_per_s:,.0f} msg/s offered sent")


def _latency_target(ours, mosquitto, scenario):
    p99 = (ours.get("latency_us") or {}).get("p99") if ours else None
    theirs = (mosquitto.get("latency_us") or {}).get("p99") if mosquitto else None
    if p99 is None:
        return None, "not run"
    if theirs is None:
        return p99 <= 1000 and None, f"p99 {p99:,.0f} us, mosquitto not measured"
    return p99 <= 1000 and p99 <= theirs, f"p99 {p99:,.0f} us, mosquitto {theirs:,.0f} us"


def _connections_target(ours, mosquitto, scenario):
    if not ours or ours.get("kb_per_connection") is None:
        return None, "not run"
    kb, rate = ours["kb_per_connection"], ours.get("conn_per_s") or 0
    return kb <= 4 and rate >= 15000, f"{kb:.2f} KB per connection, {rate:,.0f} connections/s"


def scenarios(connections):
    """The issue's scenarios, in the issue's order."""
    fan_in = ["pubsub", "--pubs", "10", "--subs", "1", "--pub-topic", "bench/%i",
              "--sub-topic", "bench/#", "--rate", "0", *PAYLOAD]
    return [
        Scenario("fanin-qos0", "1", "Fan-in, QoS 0: 10 publishers flat out, 1 subscriber on bench/#",
                 fan_in + ["--qos", "0"], qos=0,
                 target=Target("received msg/s >= 4x mosquitto's", _ratio_target(4))),
        Scenario("fanin-qos1", "2", "Fan-in, QoS 1: 10 publishers flat out, 1 subscriber on bench/#",
                 fan_in + ["--qos", "1"], qos=1,
                 target=Target("received msg/s >= 2x mosquitto's", _ratio_target(2))),
        Scenario("fanin-qos2", "2b", "Fan-in, QoS 2: 10 publishers flat out, 1 subscriber on bench/#",
                 fan_in + ["--qos", "2"], qos=2),
        Scenario("fanout-qos0", "3", "Fan-out, QoS 0: 1 publisher at 1,000 msg/s, 1,000 subscribers on one topic",
                 ["pubsub", "--pubs", "1", "--subs", "1000", "--rate", "1000", "--pub-topic", "bench/fan",
                  "--sub-topic", "bench/fan", "--qos", "0", *PAYLOAD],
                 subscribers=1000, offered_per_s=1000,
                 target=Target("everything offered is delivered, no loss", _delivers_everything)),
        Scenario("pairs-qos0", "4", "1,000 publisher/subscriber pairs at 10 msg/s each, QoS 0",
                 ["pubsub", "--pubs", "1000", "--subs", "1000", "--rate", "10", "--pub-topic", "bench/%i",
                  "--sub-topic", "bench/%i", "--qos", "0", *PAYLOAD],
                 offered_per_s=10000, baseline=True, rounds=3,
                 target=Target("p99 latency <= 1 ms and <= mosquitto's", _latency_target)),
        Scenario("idle-connections", "5", f"{connections:,} idle connections from 16 source addresses",
                 ["conn", "-c", str(connections), "--source-ips", "127.0.0.1-127.0.0.16",
                  "--conn-rate", "20000"],
                 kind="connections",
                 target=Target("<= 4 KB per connection and >= 15,000 connections/s", _connections_target)),
    ]


# Run before the measured scenarios and not recorded: it JIT-compiles our broker's publish and
# connect paths, so that the first measured seconds are not spent compiling.
WARMUP = ["pubsub", "--pubs", "10", "--subs", "10", "--pub-topic", "warm/%i", "--sub-topic", "warm/%i",
          "--qos", "1", "--rate", "100", *PAYLOAD]
# Then 2,000 connections over 2 s: enough calls, spread in time, for the tiered JIT to have optimized our
# broker's accept and CONNECT path before scenario 5 measures it (with only the first warm-up, a fifth of the
# broker's CPU in scenario 5 went to the JIT's background compiler).
WARMUP_CONNECTIONS = ["conn", "-c", "2000", "--conn-rate", "1000"]
