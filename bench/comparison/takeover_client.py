#!/usr/bin/python3
"""Session takeovers against one broker or the nodes of a cluster, with python paho (Debian's, hence /usr/bin/python3).

    /usr/bin/python3 bench/comparison/takeover_client.py --ports 1883,1884,1885 --count 1000

MQTT 5, clean start 0, session expiry 300 s, one subscription (QoS 1) per client id, --clients ids taken over in turn.
Each takeover: the connection that holds the session stops reading (a device whose connection broke unnoticed), 10
QoS 1 messages are published to it on its node and sit unacknowledged in its session, then a new connection of the same
client id is made to the next node (on one port: the same broker). A session does not go back to a node it left less
than --revisit-s ago (the script waits; 0 to measure exactly that). Measured: from sending CONNECT (paho's
on_socket_open, just before the packet is written) to CONNACK on the new connection. Checked: Session Present 1, the 10
messages arrive on the new connection, the old connection is closed. Then --fresh fresh client ids (clean start 1)
connect in turn to each port: their CONNECT to CONNACK. Prints one JSON line. Bounded: every wait gives up after
--timeout seconds and counts a failure.
"""
import argparse
import json
import time

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

# Node order for one client id: with three nodes every ordered pair once per cycle (0->1, 1->2, 2->0, 0->2, 2->1, 1->0).
CHAINS = {1: [0], 2: [0, 1], 3: [0, 1, 2, 0, 2, 1]}


class Connection:
    """One paho client driven from this thread (no loop thread, so nothing reads while the script does not ask)."""

    def __init__(self, client_id, port, persistent):
        self.client = mqtt.Client(client_id=client_id, protocol=mqtt.MQTTv5)
        self.sent_at = self.connack_at = self.session_present = None
        self.closed_reason = None
        self.subscribed = False
        self.messages = []
        self.client.on_socket_open = lambda c, u, s: setattr(self, "sent_at", time.perf_counter())
        self.client.on_connect = self._connected
        self.client.on_disconnect = lambda c, u, rc, p=None: setattr(self, "closed_reason", int(getattr(rc, "value", rc)))
        self.client.on_message = lambda c, u, m: self.messages.append(m.payload.decode())
        self.client.on_subscribe = lambda c, u, mid, granted, p=None: setattr(self, "subscribed", True)
        properties = None
        if persistent:
            properties = Properties(PacketTypes.CONNECT)
            properties.SessionExpiryInterval = 300
        self.client.connect("127.0.0.1", port, keepalive=60, clean_start=not persistent, properties=properties)

    def _connected(self, client, userdata, flags, reason, properties):
        self.connack_at = time.perf_counter()
        self.session_present = bool(flags.get("session present"))
        self.reason = int(getattr(reason, "value", reason))

    def run_until(self, done, timeout):
        deadline = time.monotonic() + timeout
        while not done() and self.closed_reason is None and time.monotonic() < deadline:
            self.client.loop(0.05)
        return done()

    def flush(self, timeout):
        """Until paho has written what it queued (the PUBACKs), so the broker has them before this client stalls."""
        self.run_until(lambda: not self.client.want_write(), timeout)
        self.client.loop(0.005)

    def close(self, timeout):
        if self.closed_reason is None:
            self.client.disconnect()
            self.run_until(lambda: self.closed_reason is not None, timeout)
        self.client._reset_sockets()  # paho keeps a socket pair per client until then; 1,000s of clients would pile up

    def connect_ms(self):
        return (self.connack_at - self.sent_at) * 1000


def publisher(port, timeout):
    client = mqtt.Client(client_id=f"takeover-pub-{port}", protocol=mqtt.MQTTv5)
    client.connect("127.0.0.1", port, keepalive=60)
    client.loop_start()
    deadline = time.monotonic() + timeout
    while not client.is_connected():
        if time.monotonic() > deadline:
            raise SystemExit(f"publisher: no CONNACK from 127.0.0.1:{port}")
        time.sleep(0.01)
    return client


def publish_all(client, topic, payloads, timeout):
    infos = [client.publish(topic, p, qos=1) for p in payloads]
    deadline = time.monotonic() + timeout
    for info in infos:
        info.wait_for_publish(max(deadline - time.monotonic(), 0.001))
    return all(i.is_published() for i in infos)


def takeovers(args, ports, publishers, count, tag, failures, pairs, waits):
    """`count` takeovers, client ids in turn; returns CONNECT-to-CONNACK times in ms of the successful ones."""
    chain = CHAINS[len(ports)]
    ids = [f"{args.id_prefix}-{tag}-{c}" for c in range(args.clients)]
    current = {}
    for c, cid in enumerate(ids):
        conn = Connection(cid, ports[chain[c % len(chain)]], persistent=True)
        conn.run_until(lambda: conn.connack_at is not None, args.timeout)
        conn.client.subscribe(f"takeover/{cid}", qos=1)
        if not conn.run_until(lambda: conn.subscribed, args.timeout):
            raise SystemExit(f"{cid}: no SUBACK")
        current[cid] = (c % len(chain), conn)
    times = []
    left = {}  # (client id, node index) -> when the client id's session left that node
    for k in range(count):
        cid = ids[k % len(ids)]
        at, old = current[cid]
        to = (at + 1) % len(chain)
        # A session that comes back to a node it left within about a second waits there for its old instance to end
        # (SessionActor.MoveGrace): measured apart, with --revisit-s 0.
        wait = left.get((cid, chain[to]), -1e9) + args.revisit_s - time.monotonic()
        if wait > 0 and len(ports) > 1:
            waits.append(wait)
            time.sleep(wait)
        payloads = [f"{k}:{n}" for n in range(args.messages)]
        if not publish_all(publishers[chain[at]], f"takeover/{cid}", payloads, args.timeout):
            failures["publish not acknowledged"] += 1
        time.sleep(args.gap_ms / 1000)
        new = Connection(cid, ports[chain[to]], persistent=True)
        if not new.run_until(lambda: new.connack_at is not None, args.timeout) or new.reason != 0:
            failures["no CONNACK (or refused)"] += 1
        elif not new.session_present:
            failures["session present 0"] += 1
        else:
            times.append(new.connect_ms())
            pairs[f"{chain[at]}->{chain[to]}"] = pairs.get(f"{chain[at]}->{chain[to]}", 0) + 1
        if not new.run_until(lambda: set(payloads) <= set(new.messages), args.timeout):
            failures["queued messages missing"] += 1
        failures["messages delivered again"] += len(new.messages) - len(set(new.messages) & set(payloads))
        new.flush(args.timeout)
        if not old.run_until(lambda: old.closed_reason is not None, args.timeout):
            failures["old connection not closed"] += 1
        old.close(args.timeout)
        left[(cid, chain[at])] = time.monotonic()
        current[cid] = (to, new)
        time.sleep(args.gap_ms / 1000)
    for _, conn in current.values():
        conn.close(args.timeout)
    return times


def fresh_connects(args, ports, failures):
    times = []
    for k in range(args.fresh):
        conn = Connection(f"{args.id_prefix}-fresh-{k}", ports[k % len(ports)], persistent=False)
        if conn.run_until(lambda: conn.connack_at is not None, args.timeout) and conn.reason == 0 and not conn.session_present:
            times.append(conn.connect_ms())
        else:
            failures["fresh connect failed"] += 1
        conn.close(args.timeout)
        time.sleep(args.gap_ms / 1000)
    return times


def percentiles(samples):
    if not samples:
        return None
    s = sorted(samples)

    def at(q):
        return round(s[min(len(s) - 1, int(q * len(s)))], 3)
    return {"n": len(s), "p50": at(0.50), "p90": at(0.90), "p99": at(0.99), "max": round(s[-1], 3)}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ports", required=True, help="comma-separated MQTT ports: one broker, or the nodes of a cluster")
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--warmup", type=int, default=60, help="takeovers before measuring, not counted")
    p.add_argument("--fresh", type=int, help="fresh client ids connected after the takeovers (default --count)")
    p.add_argument("--clients", type=int, default=100, help="client ids taken over in turn")
    p.add_argument("--revisit-s", type=float, default=2.0,
                   help="least time before a client id's session goes back to a node it left (with several ports)")
    p.add_argument("--messages", type=int, default=10)
    p.add_argument("--gap-ms", type=float, default=5)
    p.add_argument("--timeout", type=float, default=10)
    p.add_argument("--id-prefix", default="takeover")
    args = p.parse_args()
    ports = [int(x) for x in args.ports.split(",")]
    args.fresh = args.count if args.fresh is None else args.fresh

    publishers = [publisher(port, args.timeout) for port in ports]
    started = time.monotonic()
    ignored = {k: 0 for k in ("publish not acknowledged", "no CONNACK (or refused)", "session present 0",
                              "queued messages missing", "messages delivered again", "old connection not closed")}
    failures = dict(ignored, **{"fresh connect failed": 0})
    takeovers(args, ports, publishers, args.warmup, "warmup", dict(ignored), {}, [])
    pairs, waits = {}, []
    takeover_ms = takeovers(args, ports, publishers, args.count, "measured", failures, pairs, waits)
    fresh_ms = fresh_connects(args, ports, failures)
    for client in publishers:
        client.disconnect()
        client.loop_stop()
    print(json.dumps({"ports": ports, "count": args.count, "clients": args.clients, "messages": args.messages,
                      "gap_ms": args.gap_ms, "warmup": args.warmup,
                      "revisit_s": args.revisit_s, "revisit_waits": len(waits), "revisit_wait_s": round(sum(waits), 1), "seconds": round(time.monotonic() - started, 1),
                      "takeover_ms": percentiles(takeover_ms), "fresh_connect_ms": percentiles(fresh_ms),
                      "failures": failures, "pairs": pairs,
                      "takeover_samples_ms": [round(x, 3) for x in takeover_ms],
                      "fresh_samples_ms": [round(x, 3) for x in fresh_ms]}))


if __name__ == "__main__":
    main()
