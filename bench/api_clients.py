#!/usr/bin/env python3
"""How long the HTTP API takes with 19,000 connected clients (issue 17): GET /api/v5/clients (first page, last page, a
like_clientid filter that selects few, limit=1000) and, for comparison in the same run, /api/v5/stats, /api/v5/metrics,
/api/v5/prometheus/stats and /status; median and p99 of the time to the whole answer, and the broker's CPU a request.
Then whether new clients connect slower while /api/v5/clients is asked for at a bounded rate. Writes the figures into
docs/PERFORMANCE.md between the api-clients markers and the raw JSON lines into bench/results/api-clients-<date>.jsonl.

    python3 bench/api_clients.py                    # about 5 minutes, the Release build included
    python3 bench/api_clients.py --quick --no-doc   # smoke run: 2,000 clients, few requests, figures printed only

One broker, a process of its own started by this script and stopped by its pid, with its defaults (hocon/broker.conf)
except the harness's listener settings (bench/comparison/brokers.py) and the dashboard listener and management endpoint
on free ports chosen here. The idle clients come from the project's generator, `broker bench conn` (MQTT 3.1.1, clean
session, keep-alive 60, from 16 source addresses, in a process of its own: the open-file limit, 20,000, is per process),
ended by SIGINT. Requests carry the node's own credential (node.data_dir/ctl_api_key, as `broker ctl` does: HTTP Basic)
and go one after another on one kept-alive HTTP/1.1 connection, so a request's time is the broker's and loopback's, not
a TCP handshake's. Every loop is bounded in count and in time.
"""

import argparse
import base64
import http.client
import json
import math
import multiprocessing
import os
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from comparison import brokers as brokers_module  # noqa: E402
from comparison import cluster_nodes, machine  # noqa: E402
from comparison.procstat import cpu_seconds, rss_kb  # noqa: E402
from compare import BROKER_DLL, REPO  # noqa: E402

MARK_BEGIN, MARK_END = "<!-- api-clients:begin -->", "<!-- api-clients:end -->"
HEADING = "HTTP API with 19,000 clients (issue 17)"
CLIENTS = "/api/v5/clients"
# A like_clientid that selects few of the generator's ids (bench-conn-0 .. bench-conn-18999): bench-conn-1899 and
# bench-conn-18990 .. 18999, eleven clients.
LIKE = "conn-1899"
IDLE_CPU_WINDOW_S = 5


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--clients", type=int, default=19000, help="idle MQTT clients held connected")
    p.add_argument("--requests", type=int, default=200, help="measured requests per endpoint (at most)")
    p.add_argument("--seconds-per-endpoint", type=float, default=40, help="at most this long measuring one endpoint")
    p.add_argument("--connects", type=int, default=300, help="new clients timed per CONNECT phase")
    p.add_argument("--connect-rate", type=float, default=20, help="new clients a second during a CONNECT phase")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--no-build", action="store_true")
    p.add_argument("--no-doc", action="store_true")
    p.add_argument("--from-jsonl", type=Path, help="write the report of a run already made, from its raw figures")
    args = p.parse_args()
    if args.quick:
        args.clients, args.requests, args.seconds_per_endpoint, args.connects = 2000, 20, 10, 60
        args.no_doc = True
    return args


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def free_port(taken):
    for port in range(21960, 22960):
        if port not in taken and brokers_module.port_is_free(port):
            taken.add(port)
            return port
    sys.exit("no free port between 21960 and 22960")


def start_broker(run_dir, taken):
    mqtt, management, dashboard = free_port(taken), free_port(taken), free_port(taken)
    b = brokers_module.ours(mqtt, BROKER_DLL, run_dir)
    b.argv = [a for a in b.argv if not a.startswith(("--management.http.port", "--dashboard.listeners.http.bind"))]
    b.argv += [f"--management.http.port={management}", f"--dashboard.listeners.http.bind=127.0.0.1:{dashboard}"]
    b.dashboard = dashboard
    b.start(run_dir)
    b.wait_ready()
    return b


def node_credential(run_dir, timeout_s=30):
    """The node's own key:secret as HTTP Basic; the node writes it at its management endpoint's first start."""
    path, deadline = run_dir / "data" / "ctl_api_key", time.monotonic() + timeout_s
    while not path.exists():
        if time.monotonic() > deadline:
            sys.exit(f"{path} not written within {timeout_s} s")
        time.sleep(0.2)
    line = path.read_text().splitlines()[0].strip()
    return "Basic " + base64.b64encode(line.encode()).decode()


class Api:
    """One kept-alive HTTP/1.1 connection to the dashboard listener."""

    def __init__(self, port, authorization):
        self._port, self._headers = port, {"Authorization": authorization, "Connection": "keep-alive"}
        self._conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path):
        """(status, body, seconds to the whole answer)."""
        started = time.perf_counter()
        try:
            self._conn.request("GET", path, headers=self._headers)
            response = self._conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            self._conn.close()
            self._conn = http.client.HTTPConnection("127.0.0.1", self._port, timeout=60)
            raise
        return response.status, body, time.perf_counter() - started

    def json(self, path):
        status, body, _ = self.get(path)
        if status != 200:
            sys.exit(f"GET {path}: {status} {body[:300]!r}")
        return json.loads(body)

    def close(self):
        self._conn.close()


def connections_now(api):
    _, body, _ = api.get("/api/v5/prometheus/stats")
    for line in body.decode().splitlines():
        if line.startswith("emqx_connections_count"):
            return int(float(line.split()[-1]))
    return 0


def start_clients(b, count, run_dir):
    argv = ["env", "DOTNET_TieredCompilation=0", "dotnet", str(BROKER_DLL), "bench", "conn", "-c", str(count),
            "--source-ips", "127.0.0.1-127.0.0.16", "--conn-rate", "20000", "--host", "127.0.0.1",
            "--port", str(b.port), "--version", "4", "--duration", "900s", "--progress", "0"]
    stdout, stderr = open(run_dir / "clients.out", "wb"), open(run_dir / "clients.err", "wb")
    process = subprocess.Popen(argv, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL)
    return process, argv


def wait_connected(api, count, process, timeout_s):
    deadline, seen = time.monotonic() + timeout_s, 0
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the generator exited with {process.returncode} before {count} clients were connected")
        seen = connections_now(api)
        if seen >= count:
            return seen
        time.sleep(1)
    sys.exit(f"{seen} of {count} clients connected after {timeout_s} s")


def stop_clients(process, run_dir):
    """SIGINT: the generator ends its run and prints its summary (its connect rate)."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
    for line in reversed((run_dir / "clients.out").read_text(errors="replace").splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return None


def idle_cpu_per_s(b):
    """The broker's CPU a second with nothing asked of it (keep-alive pings of the idle clients, timers), to subtract."""
    before, started = cpu_seconds(b.pid), time.monotonic()
    time.sleep(IDLE_CPU_WINDOW_S)
    return (cpu_seconds(b.pid) - before) / (time.monotonic() - started)


def endpoints(count):
    last = max(1, math.ceil(count / 100))
    return [
        ("status", "/status", "`GET /status` (open, plain text)"),
        ("clients_first", f"{CLIENTS}?page=1&limit=100", "`clients?page=1&limit=100`"),
        ("clients_last", f"{CLIENTS}?page={last}&limit=100", f"`clients?page={last}&limit=100`, the last page"),
        ("clients_like", f"{CLIENTS}?like_clientid={LIKE}", f"`clients?like_clientid={LIKE}`"),
        ("clients_1000", f"{CLIENTS}?page=1&limit=1000", "`clients?page=1&limit=1000`"),
        ("stats", "/api/v5/stats", "`/api/v5/stats`"),
        ("metrics", "/api/v5/metrics", "`/api/v5/metrics`"),
        ("prometheus", "/api/v5/prometheus/stats", "`/api/v5/prometheus/stats`"),
    ]


def warm_up(api, paths, requests=40, max_s=20):
    """Every endpoint asked `requests` times before any is measured, then a pause: enough calls for the tiered JIT to
    recompile what they run (30 calls, then a background compilation), which a first run showed in the first series."""
    for path in paths:
        deadline = time.monotonic() + max_s
        for _ in range(requests):
            if time.monotonic() > deadline:
                break
            api.get(path)
    time.sleep(3)


def measure_endpoint(api, b, key, path, args, idle_rate):
    times, failures, size, rows, count = [], 0, 0, None, None
    cpu_before, started = cpu_seconds(b.pid), time.monotonic()
    deadline = started + args.seconds_per_endpoint
    while len(times) < args.requests and time.monotonic() < deadline:
        status, body, seconds = api.get(path)
        if status != 200:
            failures += 1
            continue
        times.append(seconds * 1000)
        size = len(body)
    elapsed = time.monotonic() - started
    cpu = cpu_seconds(b.pid) - cpu_before - idle_rate * elapsed
    if path.startswith(CLIENTS):
        page = json.loads(body)
        rows, count = len(page["data"]), page["meta"]["count"]
    return {"type": "endpoint", "key": key, "path": path, "requests": len(times), "failures": failures,
            "seconds": round(elapsed, 2), "bytes": size, "rows": rows, "meta_count": count,
            "median_ms": round(statistics.median(times), 2) if times else None,
            "p99_ms": round(percentile(times, 99), 2) if times else None,
            "max_ms": round(max(times), 2) if times else None,
            "cpu_ms_per_request": round(cpu * 1000 / len(times), 2) if times else None,
            "load_average": load_average()}


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def mqtt_connect_packet(client_id):
    cid = client_id.encode()
    variable = b"\x00\x04MQTT\x04\x02" + struct.pack(">H", 60)   # 3.1.1, clean session, keep-alive 60
    payload = struct.pack(">H", len(cid)) + cid
    remaining = len(variable) + len(payload)
    return bytes([0x10, remaining]) + variable + payload   # remaining < 128 for these ids


def time_connects(port, prefix, count, rate, max_s):
    """CONNECT to CONNACK of `count` new clients, one after another at `rate` a second; each then disconnects."""
    times, failures = [], 0
    interval, start = 1 / rate, time.monotonic()
    deadline = start + max_s
    for i in range(count):
        due = start + i * interval
        if due > deadline:
            break
        time.sleep(max(0.0, due - time.monotonic()))
        began = time.perf_counter()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                s.sendall(mqtt_connect_packet(f"{prefix}-{i}"))
                ack = b""
                while len(ack) < 4:
                    chunk = s.recv(4 - len(ack))
                    if not chunk:
                        break
                    ack += chunk
                took = time.perf_counter() - began
                if ack[:2] != b"\x20\x02" or ack[3] != 0:
                    failures += 1
                    continue
                times.append(took * 1000)
                s.sendall(b"\xe0\x00")
        except OSError:
            failures += 1
    return times, failures


def hammer(port, authorization, path, rate, stop, max_s, results):
    """In a process of its own (so that its JSON reading does not share the timing client's interpreter): GET `path`
    at `rate` a second at most, until told to stop or `max_s` passed."""
    api = Api(port, authorization)
    times, failures, start = [], 0, time.monotonic()
    i = 0
    while not stop.is_set() and time.monotonic() - start < max_s:
        due = start + i / rate
        time.sleep(max(0.0, due - time.monotonic()))
        i += 1
        try:
            status, _, seconds = api.get(path)
            if status == 200:
                times.append(seconds * 1000)
            else:
                failures += 1
        except (OSError, http.client.HTTPException):
            failures += 1
    results.put({"requests": len(times), "failures": failures, "seconds": round(time.monotonic() - start, 2),
                 "median_ms": round(statistics.median(times), 2) if times else None,
                 "p99_ms": round(percentile(times, 99), 2) if times else None})
    api.close()


def connect_phase(b, authorization, label, path, rate, args):
    max_s = args.connects / args.connect_rate + 30
    cpu_before, started = cpu_seconds(b.pid), time.monotonic()
    hammer_result = None
    if path:
        stop, results = multiprocessing.Event(), multiprocessing.Queue()
        worker = multiprocessing.Process(target=hammer, args=(b.dashboard, authorization, path, rate, stop, max_s, results))
        worker.start()
        time.sleep(1)
    try:
        times, failures = time_connects(b.port, f"lat-{label}", args.connects, args.connect_rate, max_s)
    finally:
        if path:
            stop.set()
            hammer_result = results.get(timeout=120)
            worker.join(timeout=30)
    elapsed = time.monotonic() - started
    return {"type": "connect", "phase": label, "hammered": path, "hammer_rate": rate, "connects": len(times),
            "failures": failures, "median_ms": round(statistics.median(times), 2) if times else None,
            "p99_ms": round(percentile(times, 99), 2) if times else None,
            "max_ms": round(max(times), 2) if times else None,
            "broker_cpu_share": round((cpu_seconds(b.pid) - cpu_before) / elapsed, 3), "hammer": hammer_result,
            "load_average": load_average()}


def main():
    args = parse_args()
    if args.from_jsonl:
        records = [json.loads(line) for line in args.from_jsonl.read_text().splitlines()]
        publish(records, args, args.from_jsonl.resolve())
        return
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: sys.exit(128 + signum))
    brokers_module.ensure_release_build(REPO, BROKER_DLL, args.no_build)
    open_files = brokers_module.raise_open_files_limit(args.clients + 500)
    now = datetime.now(timezone.utc)
    run_id = now.strftime("%Y-%m-%dT%H%M%SZ")
    commit = subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%h"], capture_output=True, text=True).stdout.strip()
    run_dir = Path(tempfile.mkdtemp(prefix="broker-api-bench-"))
    b, clients, records = None, None, []
    try:
        b = start_broker(run_dir, set())
        authorization = node_credential(run_dir)
        api = Api(b.dashboard, authorization)
        records.append({"type": "run", "run": run_id, "date": now.strftime("%Y-%m-%d %H:%M UTC"), "commit": commit,
                        "command": "python3 bench/api_clients.py " + " ".join(sys.argv[1:]),
                        "machine": machine.describe(open_files), "broker_argv": b.argv, "settings": b.settings,
                        "args": {k: str(v) for k, v in vars(args).items()}})
        rss_before = rss_kb(b.pid)
        clients, generator_argv = start_clients(b, args.clients, run_dir)
        connected = wait_connected(api, args.clients, clients, 300)
        time.sleep(3)
        records.append({"type": "clients", "connected": connected, "generator": generator_argv,
                        "broker_rss_kb_before": rss_before, "broker_rss_kb": rss_kb(b.pid), "load_average": load_average()})
        print(f"{connected:,} clients connected; load average {load_average()}")
        idle_rate = idle_cpu_per_s(b)
        records.append({"type": "idle", "broker_cpu_per_s": round(idle_rate, 4)})
        total = api.json(f"{CLIENTS}?page=1&limit=1")["meta"]["count"]
        warm_up(api, [path for _, path, _ in endpoints(total)])
        for key, path, _ in endpoints(total):
            record = measure_endpoint(api, b, key, path, args, idle_rate)
            records.append(record)
            print(f"{path}: median {record['median_ms']} ms, p99 {record['p99_ms']} ms, "
                  f"{record['cpu_ms_per_request']} ms CPU, {record['requests']} requests, {record['bytes']:,} bytes")
        api.close()
        phases = [("quiet", None, 0), ("clients100", f"{CLIENTS}?page=1&limit=100", 10),
                  ("clients1000", f"{CLIENTS}?page=1&limit=1000", 2)]
        for label, path, rate in phases:
            record = connect_phase(b, authorization, label, path, rate, args)
            records.append(record)
            print(f"CONNECT, {label}: median {record['median_ms']} ms, p99 {record['p99_ms']} ms, "
                  f"{record['failures']} failed; API {record['hammer']}")
        summary = stop_clients(clients, run_dir)
        records.append({"type": "generator", "summary": summary})
    finally:
        if clients is not None and clients.poll() is None:
            clients.kill()
            clients.wait(timeout=30)
        if b is not None:
            b.stop()
        shutil.rmtree(run_dir, ignore_errors=True)
    records.append({"type": "end", "load_average_at_end": load_average()})
    jsonl = cluster_nodes.save_records(REPO, "api-clients", run_id, records, args.quick)
    print(f"raw figures: {jsonl}")
    publish(records, args, jsonl)


def publish(records, args, jsonl):
    text = report(records, jsonl)
    if args.no_doc:
        print(text)
        return
    path = REPO / "docs/PERFORMANCE.md"
    doc = path.read_text()
    if MARK_BEGIN not in doc:
        anchor = "## Journal"
        block = f"## {HEADING}\n\n{MARK_BEGIN}\n{MARK_END}\n\n"
        doc = doc.replace(anchor, block + anchor, 1) if anchor in doc else doc + "\n" + block
        path.write_text(doc)
    cluster_nodes.write_section(path, MARK_BEGIN, MARK_END, text, HEADING)


def report(records, jsonl):
    run = next(r for r in records if r["type"] == "run")
    clients = next(r for r in records if r["type"] == "clients")
    idle = next(r for r in records if r["type"] == "idle")
    shown = jsonl.relative_to(REPO) if jsonl.is_relative_to(REPO) else jsonl
    labels = {key: label for key, _, label in endpoints(clients["connected"])}
    lines = [
        f"Run {run['run']} at commit {run['commit']}, `{run['command'].strip()}` (raw figures in `{shown}`).",
        "",
        f"{clients['connected']:,} idle MQTT 3.1.1 clients held by `broker bench conn` (clean session, keep-alive 60, "
        f"16 source addresses, a process of its own) on one broker (the broker's RSS went from "
        f"{clients['broker_rss_kb_before'] / 1024:,.0f} MiB to {clients['broker_rss_kb'] / 1024:,.0f} MiB). Each endpoint "
        f"asked one request after another on one kept-alive HTTP/1.1 connection with the node's own credential (HTTP "
        f"Basic, as `broker ctl`), after 40 unmeasured requests to every endpoint (the JIT's recompilation); time to the whole answer as this script reads it. CPU a "
        f"request: the broker process's CPU time over the series, less what it spends with nothing asked "
        f"({idle['broker_cpu_per_s'] * 1000:.0f} ms a second: the clients' keep-alive pings, timers), over the requests.",
        "",
        "| request | requests | median ms | p99 ms | max ms | broker CPU a request, ms | answer bytes | load average during |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in (r for r in records if r["type"] == "endpoint"):
        rows = f": {r['rows']} rows of {r['meta_count']:,}" if r["rows"] is not None else ""
        lines.append(f"| {labels.get(r['key'], r['path'])}{rows} | {r['requests']} | {r['median_ms']} | {r['p99_ms']} | "
                     f"{r['max_ms']} | {r['cpu_ms_per_request']} | {r['bytes']:,} | {r['load_average']} |")
    lines += [
        "",
        "CONNECT to CONNACK of new clients (MQTT 3.1.1, clean session, one after another at "
        f"{run['args'].get('connect_rate', '20')} a second, each then disconnecting), with the {clients['connected']:,} "
        "idle clients connected, quiet and while another process asks for the clients list at a bounded rate:",
        "",
        "| API load meanwhile | connects | failed | median ms | p99 ms | max ms | broker CPU, share of a core | API answers: median, p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in (r for r in records if r["type"] == "connect"):
        h = r["hammer"]
        load = "none" if not r["hammered"] else f"`{r['hammered'].replace(CLIENTS, 'clients')}` at {r['hammer_rate']} a second"
        answers = "–" if not h else f"{h['requests']} in {h['seconds']} s: {h['median_ms']}, {h['p99_ms']}"
        lines.append(f"| {load} | {r['connects']} | {r['failures']} | {r['median_ms']} | {r['p99_ms']} | {r['max_ms']} | "
                     f"{r['broker_cpu_share']} | {answers} |")
    m = run["machine"]
    end = next((r for r in records if r["type"] == "end"), {})
    lines += [
        "",
        "Settings that differ from hocon/broker.conf, all the harness's: "
        + ", ".join(f"`{a[2:]}`" for a in run["broker_argv"] if a.startswith("--"))
        + " (loopback only, free ports, no WebSocket listener on 0.0.0.0:8083); every `mqtt.*`, `persistence.*`, "
        "`prometheus.*` and `log.*` setting is the default (log level info).",
        "",
        f"Machine: {m['cpu']}, {m['nproc']} cores shared by the broker, the generator's process, this script and other "
        f"helpers' builds and tests: load average {m['load_average_at_start']} at the start, "
        f"{end.get('load_average_at_end', '?')} at the end (each row above gives the load average when it finished).",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
