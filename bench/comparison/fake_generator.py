#!/usr/bin/env python3
"""FAKE `broker bench`, FOR TESTING bench/compare.py ONLY: its figures are canned, not measured.

It accepts the same command line as `broker bench` (so a wrong argument in compare.py fails here
too) and prints one JSON line of the same shape. `conn` does open real MQTT connections (at most
2,000 unless FAKE_GENERATOR_MAX_CONNECTIONS says otherwise, held for --duration) so that the broker's memory and CPU sampling see something; `pubsub`
only waits for --duration. compare.py never writes these figures into docs/PERFORMANCE.md.
"""

import argparse
import ipaddress
import json
import os
import resource
import socket
import struct
import sys
import time

# Real connections opened by `conn`, one after the other; raise it to test the file limits at 19,000.
MAX_REAL_CONNECTIONS = int(os.environ.get("FAKE_GENERATOR_MAX_CONNECTIONS", "2000"))


def parse():
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--host", default="127.0.0.1")
    common.add_argument("--port", type=int, default=1883)
    common.add_argument("--version", default="5", choices=["5", "4", "3"])
    common.add_argument("--tls", action="store_true")
    common.add_argument("--source-ips", default="127.0.0.1")
    common.add_argument("--duration", default="10s")
    common.add_argument("--conn-rate", type=int, default=0)
    common.add_argument("--inflight", type=int, default=100)
    root = argparse.ArgumentParser()
    root.add_argument("command", choices=["bench"])
    sub = root.add_subparsers(dest="scenario", required=True)
    conn = sub.add_parser("conn", parents=[common])
    conn.add_argument("-c", type=int, default=19000)
    pubsub = sub.add_parser("pubsub", parents=[common])
    for name, default in [("--pubs", 10), ("--subs", 1), ("--qos", 0), ("--size", 64), ("--rate", 0)]:
        pubsub.add_argument(name, type=int, default=default)
    pubsub.add_argument("--pub-topic", default="bench/%i")
    pubsub.add_argument("--sub-topic", default="bench/#")
    pubsub.add_argument("--drain", default="10s")
    return root.parse_args()


def seconds(duration):
    return float(duration[:-1]) if duration.endswith("s") else float(duration) / 1000


def source_ips(spec):
    first, _, last = spec.partition("-")
    start, end = ipaddress.IPv4Address(first), ipaddress.IPv4Address(last or first)
    return [str(ipaddress.IPv4Address(i)) for i in range(int(start), int(end) + 1)]


def connect_packet(client_id, version):
    # CONNECT [MQTT-3.1]: protocol name, level, flags (clean session), keep-alive 0 (the fake holds
    # idle connections and sends no PINGREQ), then the client identifier.
    name, level = (b"MQIsdp", 3) if version == "3" else (b"MQTT", int(version))
    body = struct.pack("!H", len(name)) + name + bytes([level, 0x02]) + struct.pack("!H", 0)
    if level == 5:
        body += b"\x00"   # no properties
    cid = client_id.encode()
    body += struct.pack("!H", len(cid)) + cid
    assert len(body) < 128, "one-byte remaining length"
    return bytes([0x10, len(body)]) + body


def open_connections(args):
    sockets, failures, ips = [], 0, source_ips(args.source_ips)
    started = time.monotonic()
    for i in range(min(args.c, MAX_REAL_CONNECTIONS)):
        try:
            s = socket.socket()
            s.bind((ips[i % len(ips)], 0))
            s.settimeout(10)
            s.connect((args.host, args.port))
            s.sendall(connect_packet(f"fake-{i}", args.version))
            if s.recv(64)[:1] != b"\x20":
                raise OSError("no CONNACK")
            sockets.append(s)
        except OSError:
            failures += 1
    return sockets, failures, time.monotonic() - started


def main():
    args = parse()
    duration = seconds(args.duration)
    result = {"scenario": args.scenario, "fake": True, "qos": getattr(args, "qos", 0), "duration_s": duration,
              "drain_s": 0, "sent": 0, "acked": 0, "received": 0, "delivered": 0, "sent_per_s": 0, "acked_per_s": 0,
              "received_per_s": 0, "delivered_per_s": 0, "acked_deliveries": 0, "acked_received": 0, "acked_lost": 0,
              "acked_lost_pct": 0, "lost": 0, "duplicates": 0, "out_of_order": 0,
              "latency_us": {"p50": 0, "p90": 0, "p99": 0, "p999": 0, "max": 0},
              "connections": 0, "connect_failures": 0, "conn_per_s": 0, "cpu_s": 0,
              "errors": ["FAKE GENERATOR: canned figures"]}
    if args.scenario == "conn":
        sockets, failures, took = open_connections(args)
        time.sleep(duration)
        result.update(connections=len(sockets), connect_failures=failures,
                      conn_per_s=round(len(sockets) / took, 1) if took else 0)
        for s in sockets:
            s.close()
    else:
        time.sleep(duration)
        per_s = (args.rate or 5000) * args.pubs
        sent = int(per_s * duration)
        deliveries = args.subs if args.sub_topic == args.pub_topic.replace("%i", "0") or "%" not in args.sub_topic \
            and "#" not in args.sub_topic else 1
        acked = sent if args.qos > 0 else 0
        result.update(sent=sent, received=sent * deliveries, delivered=sent * deliveries, sent_per_s=per_s,
                      received_per_s=per_s * deliveries, delivered_per_s=per_s * deliveries,
                      acked=acked, acked_per_s=per_s if args.qos > 0 else 0, acked_deliveries=acked * deliveries,
                      acked_received=acked * deliveries,
                      latency_us={"p50": 100 + args.qos * 50, "p90": 200, "p99": 400 + args.qos * 100,
                                  "p999": 900, "max": 2000},
                      connections=args.pubs + args.subs)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["cpu_s"] = round(usage.ru_utime + usage.ru_stime, 3)
    print("connected ...", file=sys.stderr)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
