#!/usr/bin/env python3
"""Measures durable sessions (issue 6) on our Release broker: one broker process per backend and
durability, each on fresh storage (a new SQLite directory, a new PostgreSQL database), so every run
starts empty. Figures are printed as Markdown tables for docs/PERFORMANCE.md; the raw records go to
bench/results/durable-<date>.jsonl.

    python3 bench/durable.py fanin      # QoS 1 fan-in: --pubs publishers -> 1 persistent subscriber
    python3 bench/durable.py recovery   # restart with --retained messages and --sessions sessions
    python3 bench/durable.py fanin --backends sqlite --durabilities sync,none --duration 5 --no-build

fanin: per (backend, durability) a broker is started, `broker bench pubsub --qos 1 --sub-clean false`
(3.1.1: clean session 0, so the subscriber's session and everything queued for it is durable) runs for
--duration, then the broker is stopped with SIGTERM; its log's "Journal closed" line gives the events per
commit. Publishers are clean sessions: they store nothing, only what reaches the subscriber is journaled.

recovery: a broker is filled through real connections (a minimal MQTT 3.1.1 client below, as `broker bench`
cannot publish retained messages): --sessions persistent subscribers (clean session 0, one subscription
each, all disconnected), then QoS 1 retained messages on --retained topics that each match one session's
filter (so each session queues retained/sessions messages), then the broker
is stopped and started again on the same storage; the times come from its log ("Loaded N retained
messages ... in X ms", "Recovered N sessions ... in X ms") and the script's own clock to the port opening.

PostgreSQL: the server of BROKER_TEST_POSTGRES (`.ci/start-postgres | tail -n 1`); the role needs
CREATEDB. Each run's database is dropped at the end.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from comparison import machine  # noqa: E402
from comparison.brokers import ensure_release_build, port_is_free, raise_open_files_limit, tail  # noqa: E402
from comparison.procstat import cpu_seconds  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
BROKER_DLL = REPO / "src/Broker.Host/bin/Release/net10.0/broker.dll"
GENERATOR_GRACE_S = 300


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=["fanin", "recovery"])
    p.add_argument("--backends", default="sqlite,postgresql")
    p.add_argument("--durabilities", default="sync,periodic,none", help="fanin only")
    p.add_argument("--duration", type=float, default=10, help="fanin: seconds of publishing")
    p.add_argument("--pubs", type=int, default=10, help="fanin: QoS 1 publishers")
    p.add_argument("--inflight", type=int, default=100, help="fanin: unacknowledged messages per publisher")
    p.add_argument("--size", type=int, default=64, help="fanin: payload bytes")
    p.add_argument("--repeat", type=int, default=1, help="fanin: runs of each configuration")
    p.add_argument("--sessions", type=int, default=10000, help="recovery: persistent sessions")
    p.add_argument("--retained", type=int, default=100000, help="recovery: retained messages")
    p.add_argument("--port", type=int, default=18890)
    p.add_argument("--no-build", action="store_true", help="use the existing Release build")
    p.add_argument("--broker-arg", action="append", default=[], help="extra --key=value for the broker")
    p.add_argument("--broker-dll", default=str(BROKER_DLL),
                   help="the broker to measure (an older build, to compare); the load generator is always this tree's")
    p.add_argument("--label", default="", help="a name for this variant in the records and tables")
    return p.parse_args()


def main():
    args = parse_args()
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: sys.exit(128 + signum))
    ensure_release_build(REPO, BROKER_DLL, args.no_build)
    if not port_is_free(args.port):
        sys.exit(f"port {args.port} is taken: choose another --port")
    backends = args.backends.split(",")
    postgres = os.environ.get("BROKER_TEST_POSTGRES", "")
    if "postgresql" in backends and not postgres:
        sys.exit("postgresql needs BROKER_TEST_POSTGRES (export it from `.ci/start-postgres | tail -n 1`)")

    open_files = raise_open_files_limit(20000)
    now = datetime.now(timezone.utc)
    results = REPO / "bench/results"
    results.mkdir(parents=True, exist_ok=True)
    jsonl = results / f"durable-{args.what}-{now.strftime('%Y-%m-%dT%H%M%SZ')}.jsonl"
    run_dir = Path(tempfile.mkdtemp(prefix="broker-durable-"))
    write(jsonl, {"type": "run", "date": now.strftime("%Y-%m-%d %H:%M UTC"),
                  "command": "python3 bench/durable.py " + " ".join(sys.argv[1:]),
                  "machine": machine.describe(open_files)})
    rows = []
    try:
        for backend in backends:
            if args.what == "fanin":
                for durability in args.durabilities.split(","):
                    for attempt in range(args.repeat):
                        record = fanin(args, backend, durability, postgres, run_dir, f"{backend}-{durability}-{attempt}")
                        write(jsonl, record)
                        rows.append(record)
                        print(fanin_line(record), flush=True)
            else:
                record = recovery(args, backend, postgres, run_dir)
                write(jsonl, record)
                rows.append(record)
                print(json.dumps(record), flush=True)
    finally:
        print(f"raw records: {jsonl.relative_to(REPO)}; logs in {run_dir}")
    print()
    print(fanin_table(rows) if args.what == "fanin" else recovery_table(rows))


class Storage:
    """Fresh storage for one configuration: a data directory, and a PostgreSQL database when asked for."""

    def __init__(self, backend, postgres, run_dir, name):
        self.backend, self.server = backend, postgres
        self.data_dir = run_dir / name
        self.data_dir.mkdir(parents=True)
        self.database = f"broker_durable_{uuid.uuid4().hex[:12]}" if backend == "postgresql" else None

    def __enter__(self):
        if self.database:
            psql(self.server, f'CREATE DATABASE "{self.database}"')
        return self

    def __exit__(self, *exc):
        if self.database:
            psql(self.server, f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def broker_args(self):
        args = [f"--persistence.backend={self.backend}", f"--node.data_dir={self.data_dir}"]
        if self.database:
            args.append(f"--persistence.postgresql.connection_string={with_database(self.server, self.database)}")
        return args


def with_database(connection_string, database):
    parts = [p for p in connection_string.split(";") if p and not p.lower().startswith("database=")]
    return ";".join(parts + [f"Database={database}"])


def psql(connection_string, sql):
    fields = dict(p.split("=", 1) for p in connection_string.split(";") if "=" in p)
    fields = {k.lower(): v for k, v in fields.items()}
    env = dict(os.environ, PGPASSWORD=fields.get("password", ""))
    subprocess.run(["psql", "-h", fields.get("host", "127.0.0.1"), "-p", fields.get("port", "5432"),
                    "-U", fields.get("username", fields.get("user id", "postgres")),
                    "-d", fields.get("database", "postgres"), "-v", "ON_ERROR_STOP=1", "-qc", sql],
                   check=True, env=env, capture_output=True)


class Broker:
    """Our Release broker as a process this script started, stopped by its pid."""

    def __init__(self, port, storage, durability, extra, log_path, broker_dll=BROKER_DLL):
        self.port = port
        self.log_path = log_path
        self.argv = ["dotnet", str(broker_dll),
                     "--listeners.tcp.bind=127.0.0.1", f"--listeners.tcp.port={port}",
                     "--listeners.ws.enabled=false",
                     "--mqtt.max_inflight=1000", "--mqtt.max_mqueue_len=1000000", "--mqtt.max_awaiting_rel=1000",
                     # info: the recovery times and the journal's statistics are logged at that level.
                     "--log.level=info", f"--persistence.durability={durability}",
                     *storage.broker_args(), *extra]
        self.process = None
        self.started = None
        self.listening_s = None

    def start(self, timeout_s=900):
        self.started = time.monotonic()
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = self.started + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"broker exited with {self.process.returncode}: {tail(self.log_path, 10, 2000)}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    self.listening_s = time.monotonic() - self.started
                    return self
            except OSError:
                time.sleep(0.02)
        raise RuntimeError(f"port {self.port} not open after {timeout_s} s")

    def stop(self):
        if not self.process or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)


def bench(args_list, port, stderr_path, timeout_s):
    argv = ["dotnet", str(BROKER_DLL), "bench", *args_list, "--host", "127.0.0.1", "--port", str(port), "--progress", "0"]
    with open(stderr_path, "ab") as stderr:
        process = subprocess.run(argv, stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL, timeout=timeout_s)
    for line in reversed(process.stdout.decode(errors="replace").splitlines()):
        if line.startswith("{"):
            return json.loads(line), argv
    raise RuntimeError(f"bench exited with {process.returncode} and printed no JSON: {tail(stderr_path)}")


def log_figures(log_path):
    """What the broker logged about its storage: journal batching, recovery times."""
    text = Path(log_path).read_text(errors="replace")
    figures = {}
    m = re.findall(r"Journal closed: (\d+) commits, (\d+) writes, (\d+) events \(([\d.]+) events per commit\), (\d+) failed", text)
    if m:
        commits, writes, events, per, failed = m[-1]
        figures.update(journal_commits=int(commits), journal_writes=int(writes), journal_events=int(events),
                       events_per_commit=float(per), failed_commits=int(failed))
    m = re.findall(r"State store closed: (\d+) commits, (\d+) writes \(([\d.]+) writes per commit\)", text)
    if m:
        figures.update(state_commits=int(m[-1][0]), state_writes=int(m[-1][1]), writes_per_commit=float(m[-1][2]))
    m = re.findall(r"Loaded (\d+) retained messages from storage .* in (\d+) ms", text)
    if m:
        figures.update(retained_loaded=int(m[-1][0]), retained_load_ms=int(m[-1][1]))
    m = re.findall(r"Recovered (\d+) sessions from storage \((\d+) could not be\) in (\d+) ms", text)
    if m:
        figures.update(sessions_recovered=int(m[-1][0]), sessions_failed=int(m[-1][1]), sessions_recovery_ms=int(m[-1][2]))
    return figures


def fanin(args, backend, durability, postgres, run_dir, name):
    record = {"type": "fanin", "label": args.label, "broker_args": args.broker_arg, "backend": backend, "durability": durability, "pubs": args.pubs, "qos": 1,
              "duration_s": args.duration}
    with Storage(backend, postgres, run_dir, name) as storage:
        broker = Broker(args.port, storage, durability, args.broker_arg, run_dir / f"{name}.log", args.broker_dll).start()
        try:
            cpu_before = cpu_seconds(broker.process.pid)
            result, argv = bench(["pubsub", "--pubs", str(args.pubs), "--subs", "1", "--qos", "1",
                                  "--sub-clean", "false", "--client-prefix", name[:12],
                                  "--inflight", str(args.inflight), "--size", str(args.size),
                                  "--duration", f"{args.duration:g}s"],
                                 args.port, run_dir / f"{name}.bench.stderr", args.duration + GENERATOR_GRACE_S)
            record.update(broker_cpu_s=round(cpu_seconds(broker.process.pid) - cpu_before, 2), result=result,
                          bench_command=" ".join(argv[2:]))
        finally:
            broker.stop()
        record.update(log_figures(broker.log_path))
    return record


def fanin_line(r):
    res = r.get("result") or {}
    return (f"{r.get('label') or '-':8} {r['backend']:10} {r['durability']:8} received {rate(res):>9,.0f} msg/s  "
            f"p99 {p99(res)}  broker cpu {r.get('broker_cpu_s')} s  events/commit {r.get('events_per_commit')}")


def rate(res):
    return res.get("received_per_s") or 0


def p99(res):
    value = (res.get("latency_us") or {}).get("p99")
    return f"{value / 1000:.1f} ms" if isinstance(value, (int, float)) else "?"


def cpu_per_message(r):
    """The broker's CPU time over the messages the subscriber received: less sensitive than msg/s to a shared machine."""
    received = (r.get("result") or {}).get("received") or 0
    return f"{r['broker_cpu_s'] * 1e6 / received:.0f}" if received and r.get("broker_cpu_s") is not None else "?"


def fanin_table(rows):
    lines = ["| variant | backend | durability | received msg/s | lost | p99 latency | broker CPU s | CPU µs per message | events per commit | commits |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        res = r.get("result") or {}
        lines.append(f"| {r.get('label') or '-'} | {r['backend']} | {r['durability']} | {rate(res):,.0f} | {res.get('lost', '?')} | {p99(res)} | "
                     f"{r.get('broker_cpu_s')} | {cpu_per_message(r)} | {r.get('events_per_commit', '-')} | {r.get('journal_commits', '-')} |")
    return "\n".join(lines)


def recovery(args, backend, postgres, run_dir):
    name = f"recovery-{backend}"
    record = {"type": "recovery", "label": args.label, "backend": backend, "sessions": args.sessions, "retained": args.retained}
    with Storage(backend, postgres, run_dir, name) as storage:
        log = run_dir / f"{name}.log"
        broker = Broker(args.port, storage, "sync", args.broker_arg, log, args.broker_dll).start()
        fill_started = time.monotonic()
        try:
            fill(args, broker.port, run_dir, name)
        finally:
            broker.stop()
        record["fill_s"] = round(time.monotonic() - fill_started, 1)
        record["before_restart"] = log_figures(log)
        Path(log).write_text("")   # the restart's figures alone
        broker = Broker(args.port, storage, "sync", args.broker_arg, log, args.broker_dll).start()
        record["start_to_listening_s"] = round(broker.listening_s, 2)
        broker.stop()
        record.update(log_figures(log))
    return record


def fill(args, port, run_dir, name):
    """Sessions first, so that each retained publish also queues a message for the one session whose filter
    it matches: --sessions persistent subscribers (3.1.1, clean session 0) on fill/<i>/#, each disconnected
    once subscribed, then --retained retained QoS 1 messages on fill/<k mod sessions>/r<k>, published by
    one connection with up to 1,000 unacknowledged (so each session queues retained/sessions messages)."""
    window = 200   # sockets open at once: far below the 20,000 open files
    for first in range(0, args.sessions, window):
        clients = [MqttClient(port, f"rs-{i}", clean=False) for i in range(first, min(first + window, args.sessions))]
        for i, c in enumerate(clients, start=first):
            c.send(subscribe_packet(1, f"fill/{i}/#", 1))
        for c in clients:
            c.expect(0x90)
            c.close()
    publisher = MqttClient(port, "rs-publisher", clean=True)
    payload = b"x" * 64
    sent = acked = 0
    while acked < args.retained:
        while sent < args.retained and sent - acked < 1000:
            publisher.send(publish_packet(f"fill/{sent % args.sessions}/r{sent}", payload, (sent % 65535) + 1, retain=True))
            sent += 1
        publisher.expect(0x40)
        acked += 1
    publisher.close()


class MqttClient:
    """Just enough MQTT 3.1.1 to fill a broker: CONNECT, SUBSCRIBE, PUBLISH QoS 1, DISCONNECT."""

    def __init__(self, port, client_id, clean):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=120)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""
        cid = client_id.encode()
        body = b"\x00\x04MQTT\x04" + bytes([0x02 if clean else 0x00]) + (60).to_bytes(2, "big") + len(cid).to_bytes(2, "big") + cid
        self.send(packet(0x10, body))
        connack = self.expect(0x20)
        if connack[1] != 0:
            raise RuntimeError(f"CONNACK {connack[1]} for {client_id}")

    def send(self, data):
        self.sock.sendall(data)

    def expect(self, packet_type):
        """Reads the next packet, which must be of packet_type; returns its body."""
        while True:
            parsed = take_packet(self.buffer)
            if parsed:
                first, body, rest = parsed
                self.buffer = rest
                if first & 0xF0 != packet_type:
                    raise RuntimeError(f"expected packet type {packet_type:#x}, got {first:#x}")
                return body
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("the broker closed the connection")
            self.buffer += chunk

    def close(self):
        try:
            self.sock.sendall(b"\xe0\x00")
        finally:
            self.sock.close()


def packet(first, body):
    length, encoded = len(body), bytearray()
    while True:
        byte, length = length % 128, length // 128
        encoded.append(byte | (0x80 if length else 0))
        if not length:
            return bytes([first]) + bytes(encoded) + body


def take_packet(buffer):
    multiplier, length, i = 1, 0, 1
    while True:
        if i >= len(buffer):
            return None
        byte = buffer[i]
        length += (byte & 0x7F) * multiplier
        multiplier *= 128
        i += 1
        if not byte & 0x80:
            break
    if len(buffer) < i + length:
        return None
    return buffer[0], buffer[i:i + length], buffer[i + length:]


def subscribe_packet(packet_id, topic_filter, qos):
    f = topic_filter.encode()
    return packet(0x82, packet_id.to_bytes(2, "big") + len(f).to_bytes(2, "big") + f + bytes([qos]))


def publish_packet(topic, payload, packet_id, retain):
    t = topic.encode()
    return packet(0x32 | (1 if retain else 0), len(t).to_bytes(2, "big") + t + packet_id.to_bytes(2, "big") + payload)


def recovery_table(rows):
    lines = ["| backend | sessions | retained | retained loaded in | sessions recovered in | start to listening |",
             "|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['backend']} | {r.get('sessions_recovered', '?')} | {r.get('retained_loaded', '?')} | "
                     f"{r.get('retained_load_ms', '?')} ms | {r.get('sessions_recovery_ms', '?')} ms | {r.get('start_to_listening_s')} s |")
    return "\n".join(lines)


def write(path, record):
    with open(path, "a") as f:
        f.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()
