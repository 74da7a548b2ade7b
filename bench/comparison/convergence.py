#!/usr/bin/python3
"""Route convergence between two cluster nodes, with python paho (Debian's, hence /usr/bin/python3).

    /usr/bin/python3 bench/comparison/convergence.py --sub-port A --pub-port B --filters 100000

Subscribes --filters filters conv/<i>/# on node A (from --clients clients, many filters per SUBSCRIBE), then
publishes probes on node B to a sample of them (every --sample-th) until each sampled probe has arrived on A, and
prints one JSON line: the time from the last SUBACK until the first and until every sampled filter was routable
from B. Bounded: gives up after --timeout seconds.
"""
import argparse
import json
import threading
import time

import paho.mqtt.client as mqtt


def connected(port, client_id):
    client = mqtt.Client(client_id=client_id, clean_session=True)
    ready = threading.Event()
    client.on_connect = lambda c, u, f, rc: ready.set()
    client.connect("127.0.0.1", port, keepalive=60)
    client.loop_start()
    if not ready.wait(30):
        raise SystemExit(f"no CONNACK from 127.0.0.1:{port}")
    return client


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sub-port", type=int, required=True)
    p.add_argument("--pub-port", type=int, required=True)
    p.add_argument("--filters", type=int, default=100_000)
    p.add_argument("--clients", type=int, default=10)
    p.add_argument("--per-subscribe", type=int, default=500)
    p.add_argument("--sample", type=int, default=1_000)
    p.add_argument("--timeout", type=float, default=120)
    args = p.parse_args()

    sampled = set(range(0, args.filters, args.sample)) | {args.filters - 1}
    arrived = {}
    lock = threading.Lock()

    def on_message(client, userdata, message):
        index = int(message.topic.split("/")[1])
        with lock:
            arrived.setdefault(index, time.monotonic())

    subscribers = []
    pending = threading.Semaphore(0)
    started = time.monotonic()
    for c in range(args.clients):
        client = connected(args.sub_port, f"conv-sub-{c}")
        client.on_message = on_message
        client.on_subscribe = lambda cl, u, mid, granted: pending.release()
        subscribers.append(client)
    sent = 0
    for c, client in enumerate(subscribers):
        mine = list(range(c, args.filters, args.clients))
        for start in range(0, len(mine), args.per_subscribe):
            client.subscribe([(f"conv/{i}/#", 0) for i in mine[start:start + args.per_subscribe]])
            sent += 1
    for _ in range(sent):
        if not pending.acquire(timeout=args.timeout):
            raise SystemExit("not every SUBACK arrived")
    subscribed = time.monotonic()

    publisher = connected(args.pub_port, "conv-pub")
    deadline = subscribed + args.timeout
    while time.monotonic() < deadline:
        with lock:
            missing = [i for i in sampled if i not in arrived]
        if not missing:
            break
        for i in missing:
            publisher.publish(f"conv/{i}", b"probe", qos=0)
        time.sleep(0.05)

    with lock:
        times = [arrived[i] - subscribed for i in sampled if i in arrived]
    print(json.dumps({
        "filters": args.filters, "clients": args.clients, "sampled": len(sampled), "routable": len(times),
        "subscribe_s": round(subscribed - started, 3),
        "first_routable_s": round(min(times), 3) if times else None,
        "all_routable_s": round(max(times), 3) if len(times) == len(sampled) else None,
    }))
    for client in subscribers + [publisher]:
        client.disconnect()
        client.loop_stop()


if __name__ == "__main__":
    main()
