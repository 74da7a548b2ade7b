#!/usr/bin/env python3
"""Sessions that outlive their node (issue 15): how long after a `kill -9` the durable sessions of the dead node are
served by the others. Three nodes share one PostgreSQL database; 10,000 durable sessions wait offline on node 3, a
sample of them with QoS 1 messages queued; node 3 is killed (SIGKILL, by its pid), and the survivors' logs say when
they removed it and when each session was adopted from storage (its routes written to every node). Then a message is
published to each sampled session, and the sampled clients reconnect to node 1 or 2: each must find its session
(Session Present 1) with every message. Writes the figures into docs/PERFORMANCE.md between the survival markers and
the raw JSON lines into bench/results/survival-<date>.jsonl.

    python3 bench/survival.py                   # 10,000 sessions, about 7 minutes
    python3 bench/survival.py --quick --no-doc  # smoke run: 500 sessions, figures printed only

The nodes run with their defaults (hocon/broker.conf) except what the harness needs (bench/comparison/cluster_nodes.py:
loopback, the run's ports, a static cluster), `persistence.backend = postgresql` with a database made for the run
(dropped at its end) and `cluster.split_brain_resolver.stable_after = 5s` (default 20 s). Needs the .NET SDK and
PostgreSQL (.ci/start-postgres installs and starts it, loopback only); the MQTT client is this script's own
(bench/comparison/survival_client.py), so nothing else.
"""

import argparse
import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from comparison import brokers as brokers_module  # noqa: E402
from comparison import cluster_nodes  # noqa: E402
from comparison.survival_client import Connection  # noqa: E402
from compare import BROKER_DLL, REPO  # noqa: E402

MARK_BEGIN, MARK_END = "<!-- survival:begin -->", "<!-- survival:end -->"
LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) (\w+): ")
ADOPTED = re.compile(r"Session (\S+) adopted from storage")
STALL_S = 120  # the wait for adoptions ends when none came for this long
OFFERING = re.compile(r"Offering (\d+) durable sessions of removed node")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sessions", type=int, default=10_000, help="durable sessions on the node killed (default 10,000)")
    p.add_argument("--sample", type=int, default=100, help="sessions given queued messages and checked (default 100)")
    p.add_argument("--queued", type=int, default=3, help="QoS 1 messages queued for each sampled session before the kill")
    p.add_argument("--concurrency", type=int, default=16, help="sessions made at once (default 16)")
    p.add_argument("--stable-after", default="5s", help="cluster.split_brain_resolver.stable_after (default here 5s)")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--no-build", action="store_true")
    p.add_argument("--no-doc", action="store_true")
    p.add_argument("--keep-logs", type=Path, help="copy the brokers' logs into this directory")
    p.add_argument("--base-port", type=int, default=19890)
    return p.parse_args()


# --- PostgreSQL: a database of the run's own on the server .ci/start-postgres gives ---

def postgres_server():
    out = subprocess.run(["bash", "-c", f"{REPO}/.ci/start-postgres | tail -n 1"], capture_output=True, text=True,
                         timeout=600)
    line = out.stdout.strip()
    if out.returncode != 0 or "Host=" not in line:
        sys.exit(f".ci/start-postgres failed: {out.stderr[-500:]}")
    return dict(part.split("=", 1) for part in line.split(";") if "=" in part)


def psql(server, sql):
    env = {**os.environ, "PGPASSWORD": server["Password"]}
    subprocess.run(["psql", "-h", server["Host"], "-p", server["Port"], "-U", server["Username"], "-d",
                    server["Database"], "-v", "ON_ERROR_STOP=1", "-qtAc", sql], env=env, check=True, timeout=60,
                   capture_output=True)


def psql_rows(server, sql):
    env = {**os.environ, "PGPASSWORD": server["Password"]}
    try:
        out = subprocess.run(["psql", "-h", server["Host"], "-p", server["Port"], "-U", server["Username"], "-d",
                              server["Database"], "-qtAc", sql], env=env, timeout=10, capture_output=True, text=True)
    except subprocess.TimeoutExpired:
        return None  # a server out of connection slots may not even answer
    return [line.split("|") for line in out.stdout.splitlines() if line] if out.returncode == 0 else None


class ConnectionSampler(threading.Thread):
    """PostgreSQL's connections every 0.5 s, the run's database's and the server's (max_connections is shared with
    whatever else uses the server): the peaks say whether the nodes ran the server out of connection slots."""

    def __init__(self, server, database):
        super().__init__(daemon=True)
        self.server, self.database, self.stopped = server, database, threading.Event()
        self.peak_ours, self.peak_total, self.samples, self.unanswered = 0, 0, 0, 0
        limit = psql_rows(server, "SHOW max_connections")
        self.max_connections = int(limit[0][0]) if limit else None

    def run(self):
        while not self.stopped.wait(0.5):
            rows = psql_rows(self.server, "SELECT count(*) FILTER (WHERE datname = '%s'), count(*) FROM pg_stat_activity"
                             % self.database)
            if not rows:
                self.unanswered += 1
            else:
                self.samples += 1
                self.peak_ours = max(self.peak_ours, int(rows[0][0]))
                self.peak_total = max(self.peak_total, int(rows[0][1]))

    def figures(self):
        self.stopped.set()
        self.join(timeout=15)
        return {"max_connections": self.max_connections, "peak_run_database": self.peak_ours,
                "peak_server": self.peak_total, "samples": self.samples,
                "unanswered": self.unanswered}


def storage_figures(server, database, lookup_client_id):
    """What the nodes stored, and how PostgreSQL runs the query by which a node looks one client id's stored session
    up for adoption (PostgresDatabase.ReadPersistenceIdsAsync, on the journal), timed by EXPLAIN ANALYZE."""
    on_run = {**server, "Database": database}
    rows = psql_rows(on_run, "SELECT (SELECT count(*) FROM public.journal), (SELECT count(*) FROM public.snapshots), "
                             "(SELECT count(DISTINCT persistence_id) FROM public.journal)")
    plan = psql_rows(on_run, "EXPLAIN ANALYZE SELECT DISTINCT persistence_id FROM public.journal "
                             f"WHERE starts_with(persistence_id, 'session/{lookup_client_id}/')")
    return {"journal_rows": int(rows[0][0]) if rows else None, "snapshot_rows": int(rows[0][1]) if rows else None,
            "journal_ids": int(rows[0][2]) if rows else None,
            "lookup_plan": [line[0] for line in plan] if plan else None}


def connection_string(server, database):
    return ";".join(f"{k}={database if k == 'Database' else v}" for k, v in server.items())


# --- the clients (bench/comparison/survival_client.py), each phase bounded ---

def client_id(i):
    return f"survive-{i}"


def topic(prefix, i):
    return f"{prefix}/{i}"


async def make_sessions(port, count, prefix, concurrency, timeout_s):
    """count durable sessions (clean start 0, expiry 3600 s), each subscribed at QoS 1 to its own topic, then offline."""
    todo = iter(range(count))
    failures = []

    async def worker():
        for i in todo:
            try:
                connection = await Connection.open(port, client_id(i))
                await connection.subscribe(topic(prefix, i))
                await connection.disconnect()
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError) as e:
                failures.append(f"{client_id(i)}: {e!r}")

    started = time.monotonic()
    await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(concurrency))), timeout_s)
    return {"seconds": round(time.monotonic() - started, 2), "failures": failures[:20], "failed": len(failures)}


async def probe_routes(sessions_port, publisher_port, prefix, sample, timeout_s):
    """Until node 1 routes each sampled topic to node 3 (routes spread by gossip): the sampled sessions connect on
    node 3 and a QoS 0 probe is published on node 1 to every topic not yet seen there, every 0.5 s."""
    live = {i: await Connection.open(sessions_port, client_id(i)) for i in sample}
    seen = set()

    async def listen(i, connection):
        while i not in seen:
            got = await connection.receive(1)
            if got and got[1].startswith("probe"):
                seen.add(i)

    listeners = [asyncio.create_task(listen(i, c)) for i, c in live.items()]
    publisher = await Connection.open(publisher_port, "survive-prober", clean_start=True, session_expiry_s=0)
    started = time.monotonic()
    try:
        while len(seen) < len(sample) and time.monotonic() - started < timeout_s:
            for i in sample:
                if i not in seen:
                    publisher.publish_qos0(topic(prefix, i), "probe")
            await asyncio.sleep(0.5)
    finally:
        for task in listeners:
            task.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)
        await publisher.disconnect()
        for connection in live.values():
            await connection.disconnect()
    return {"seconds": round(time.monotonic() - started, 2), "routed": len(seen), "sample": len(sample)}


async def publish(port, publisher, messages, timeout_s):
    """QoS 1 messages, every one acknowledged (sync durability: after its sessions' commit) or counted as refused."""
    connection = await Connection.open(port, publisher, clean_start=True, session_expiry_s=0)
    try:
        codes = await connection.publish_qos1(messages, timeout_s)
    finally:
        await connection.disconnect()
    # 0x80: the publish was held for the dead node's durable routes until its adoption ended, then failed back (the
    # publisher is to send it again); the adopted sessions may have it already.
    return {"published": len(messages), "no_subscribers": codes.count(0x10), "failed_back": codes.count(0x80),
            "refused": sum(1 for c in codes if c not in (0x10, 0x80))}


async def collect(ports, prefix, sample, expected_of, per_client_s, concurrency=10):
    """Each sampled client reconnects (clean start 0) to a survivor, in turn, and collects what its session kept."""
    results = {}
    todo = iter(enumerate(sample))

    async def worker():
        for k, i in todo:
            expected, port = expected_of(i), ports[k % len(ports)]
            result = {"client": client_id(i), "port": port, "session_present": False, "received": 0,
                      "missing": sorted(expected), "duplicates": 0, "unexpected": 0, "error": None}
            results[i] = result
            try:
                connection = await Connection.open(port, client_id(i))
                result["session_present"] = connection.session_present
                received = []
                deadline = time.monotonic() + per_client_s
                while not expected <= set(received) and time.monotonic() < deadline:
                    got = await connection.receive(deadline - time.monotonic())
                    if got and not got[1].startswith("probe"):
                        received.append(got[1])
                await connection.disconnect()
                result.update(received=len(set(received) & expected), missing=sorted(expected - set(received)),
                              duplicates=len(received) - len(set(received)),
                              unexpected=len(set(received) - expected))
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError) as e:
                result["error"] = repr(e)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return [results[i] for i in sample]


# --- the survivors' logs ---

def log_lines(broker):
    """(time, level, text) of each timestamped line of the node's log so far."""
    lines = []
    for line in broker.log_path.read_text(errors="replace").splitlines():
        found = LOG_TIME.match(line)
        if found:
            lines.append((datetime.strptime(found.group(1), "%Y-%m-%d %H:%M:%S.%f"), found.group(2), line))
    return lines


def watch_adoption(survivors, killed_address, killed_at, sessions, timeout_s, stall_s):
    """Until every session is adopted across the survivors, or none more for stall_s once the node is removed, or
    timeout_s: the times of the
    removal and of each adoption, from the survivors' own log lines (wall clock, ms)."""
    deadline = time.monotonic() + timeout_s
    last_count, last_progress, removed_seen = -1, time.monotonic(), False
    while True:
        seen = {b.label: [entry for entry in log_lines(b) if entry[0] >= killed_at] for b in survivors}
        adopted = {label: [(t, ADOPTED.search(text).group(1)) for t, _, text in entries if ADOPTED.search(text)]
                   for label, entries in seen.items()}
        count = len({cid for pairs in adopted.values() for _, cid in pairs})
        if count != last_count or not removed_seen:
            last_count, last_progress = count, time.monotonic()
        removed_seen = removed_seen or any(f"Cluster member removed: {killed_address}" in text
                                           for entries in seen.values() for _, _, text in entries)
        if count >= sessions or time.monotonic() > deadline or time.monotonic() - last_progress > stall_s:
            break
        time.sleep(0.5)

    def first(label, needle):
        return next((t for t, _, text in seen[label] if needle in text), None)

    per_node = {}
    for label, entries in seen.items():
        offering = next((OFFERING.search(text) for _, _, text in entries if OFFERING.search(text)), None)
        times = [t for t, _ in adopted[label]]
        per_node[label] = {
            "unreachable": first(label, f"Cluster member unreachable: {killed_address}"),
            "removed": first(label, f"Cluster member removed: {killed_address}"),
            "offering": first(label, "Offering "),
            "listing_failed": first(label, "could not be listed for adoption"),
            "offered": int(offering.group(1)) if offering else None,
            "adopted": len(times), "first_adopted": min(times, default=None), "last_adopted": max(times, default=None),
        }
    all_ids = [cid for pairs in adopted.values() for _, cid in pairs]
    return per_node, {"unique": len(set(all_ids)), "lines": len(all_ids),
                      "timed_out": len(set(all_ids)) < sessions}


def warnings_between(survivors, start, end):
    """The survivors' warnings and errors between start and end, counted by kind (the message up to its first
    client id, address or number), with the first lines of each kind."""
    kinds = {}
    for b in survivors:
        for t, level, text in log_lines(b):
            if start <= t <= end and level in ("warn", "fail", "crit"):
                message = text[LOG_TIME.match(text).end():]
                kind = re.sub(r"survive-\d+|akka\.tcp://\S+|\d+(\.\d+)?", "#", message)[:160]
                entry = kinds.setdefault(kind, {"count": 0, "nodes": {}, "first": text[:1500]})
                entry["count"] += 1
                entry["nodes"][b.label] = entry["nodes"].get(b.label, 0) + 1
    return sorted(({"kind": k, **v} for k, v in kinds.items()), key=lambda e: -e["count"])


def seconds(start, end):
    return round((end - start).total_seconds(), 3) if start and end else None


def phases(per_node, killed_at, sessions):
    def earliest(key):
        return min((n[key] for n in per_node.values() if n[key]), default=None)

    def latest(key):
        return max((n[key] for n in per_node.values() if n[key]), default=None)

    unreachable, removed = earliest("unreachable"), earliest("removed")
    first, last = earliest("first_adopted"), latest("last_adopted")
    adopted = sum(n["adopted"] for n in per_node.values())
    span = seconds(removed, last)
    return {
        "kill_to_unreachable_s": seconds(killed_at, unreachable),
        "unreachable_to_removed_s": seconds(unreachable, removed),
        "kill_to_removed_s": seconds(killed_at, removed),
        "removed_to_offering_s": seconds(removed, earliest("offering")),
        "removed_to_first_adopted_s": seconds(removed, first),
        "removed_to_last_adopted_s": span,
        "first_to_last_adopted_s": seconds(first, last),
        "kill_to_first_adopted_s": seconds(killed_at, first),
        "kill_to_last_adopted_s": seconds(killed_at, last),
        "adopted_per_s": round(adopted / span, 1) if span else None,
        "sessions": sessions,
    }


def jsonable(value):
    if isinstance(value, datetime):
        return value.isoformat(timespec="milliseconds")
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value


# --- the run ---

def main():
    args = parse_args()
    if args.quick:
        args.sessions, args.sample = min(args.sessions, 500), min(args.sample, 50)
    args.sample = min(args.sample, args.sessions)
    brokers_module.ensure_release_build(REPO, BROKER_DLL, args.no_build)
    run_id = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H%M%SZ")
    server = postgres_server()
    database = "broker_survival_" + re.sub(r"\W", "", run_id).lower()
    psql(server, f'CREATE DATABASE "{database}"')
    base = args.base_port
    prefix = f"survive/{run_id}"
    step = args.sessions // args.sample
    sample = [k * step for k in range(args.sample)]
    records = []
    try:
        with tempfile.TemporaryDirectory(prefix="broker-survival-bench-") as tmp:
            run_dir = Path(tmp)
            nodes = cluster_nodes.cluster(["node1", "node2", "node3"], base + 1, base + 11, BROKER_DLL, run_dir)
            extra = ["--persistence.backend=postgresql",
                     f"--persistence.postgresql.connection_string={connection_string(server, database)}",
                     f"--cluster.split_brain_resolver.stable_after={args.stable_after}"]
            for b in nodes:
                b.argv += extra
            settings = nodes[0].settings + [
                cluster_nodes.CLUSTER_SETTINGS,
                "`persistence.backend=postgresql` with `persistence.postgresql.connection_string` naming a database "
                "made for the run and shared by the three nodes (durability `sync`, the default)",
                f"`cluster.split_brain_resolver.stable_after={args.stable_after}` (default 20s)"]
            records.append({"type": "run", "run_id": run_id, "sessions": args.sessions, "sample": args.sample,
                            "queued": args.queued, "concurrency": args.concurrency, "settings": settings,
                            "brokers": {b.label: [a.replace(str(run_dir), "<tmp>").replace(server["Password"], "<pw>")
                                                  for a in b.argv] for b in nodes}})
            try:
                records += run(nodes, args, prefix, sample, run_dir, ConnectionSampler(server, database))
            finally:
                cluster_nodes.stop(nodes, args.keep_logs)
    finally:
        psql(server, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    jsonl = cluster_nodes.save_records(REPO, "survival", run_id, [jsonable(r) for r in records], args.quick)
    print(f"raw figures: {jsonl}")
    text = report(records, args, run_id, jsonl)
    if args.no_doc or args.quick:
        print(text)
    else:
        cluster_nodes.write_section(REPO / "docs/PERFORMANCE.md", MARK_BEGIN, MARK_END, text,
                                    "Sessions in a cluster (issue 15)")


def run(nodes, args, prefix, sample, run_dir, sampler):
    for b in nodes:
        b.start(run_dir)
    for b in nodes:
        b.wait_ready()
    for b in nodes:
        cluster_nodes.wait_members_up(b, 3)
    node1, node2, node3 = nodes
    records = []

    made = asyncio.run(make_sessions(node3.port, args.sessions, prefix, args.concurrency, 600 + args.sessions * 0.1))
    records.append({"type": "sessions", **made})
    print(f"{args.sessions} durable sessions on node3 in {made['seconds']} s, {made['failed']} failed", flush=True)
    routed = asyncio.run(asyncio.wait_for(probe_routes(node3.port, node1.port, prefix, sample, 60), 120))
    records.append({"type": "routes", **routed})
    print(f"node1 routes {routed['routed']}/{routed['sample']} sampled topics to node3 after {routed['seconds']} s",
          flush=True)
    records.append({"type": "storage", **storage_figures(sampler.server, sampler.database, client_id(sample[-1]))})
    print(f"stored: {json.dumps(records[-1])}", flush=True)
    before = [(topic(prefix, i), f"before:{i}:{n}") for i in sample for n in range(args.queued)]
    queued = asyncio.run(asyncio.wait_for(publish(node1.port, "survive-before", before, 60), 120))
    records.append({"type": "queued", **queued})

    # The kill: its wall-clock time against the survivors' log lines, which have the same clock to the millisecond.
    killed_address = f"akka.tcp://bench@127.0.0.1:{args.base_port + 13}"
    sampler.start()
    killed_at = datetime.now()
    os.kill(node3.pid, signal.SIGKILL)
    node3.process.wait(timeout=15)
    print(f"killed node3 (pid {node3.pid}) at {killed_at.time()}", flush=True)
    per_node, adoption = watch_adoption([node1, node2], killed_address, killed_at, args.sessions,
                                        timeout_s=300 + args.sessions * 0.1, stall_s=STALL_S)
    figures = phases(per_node, killed_at, args.sessions)
    records.append({"type": "adoption", "killed_at": killed_at, "per_node": per_node, **adoption, "phases": figures})
    print(f"adoption: {json.dumps(figures)}; adopted {adoption['unique']} sessions ({adoption['lines']} lines)",
          flush=True)

    # After the adoption: one message for each sampled session, on either survivor, which must route it to the
    # session's new node; then every sampled client reconnects to a survivor and must find all its messages.
    after = [(topic(prefix, i), f"after:{i}") for i in sample]
    published_after = []
    for k, b in enumerate((node1, node2)):
        try:
            published_after.append(asyncio.run(asyncio.wait_for(
                publish(b.port, f"survive-after-{b.label}", after[k::2], 60), 120)))
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ConnectionError) as e:
            # Counted as refused: the check then finds these messages missing, which they are.
            published_after.append({"published": 0, "no_subscribers": 0, "failed_back": 0, "refused": len(after[k::2]),
                                    "error": repr(e)})
    records.append({"type": "after", **{k: sum(p[k] for p in published_after)
                                        for k in ("published", "no_subscribers", "failed_back", "refused")},
                    "errors": [p["error"] for p in published_after if "error" in p]})

    def expected(i):
        return {f"before:{i}:{n}" for n in range(args.queued)} | {f"after:{i}"}

    checked = asyncio.run(asyncio.wait_for(collect([node1.port, node2.port], prefix, sample, expected, 10), 600))
    checked_at = datetime.now()
    records.append({"type": "postgresql_connections", **sampler.figures()})
    warnings = warnings_between([node1, node2], killed_at, checked_at)
    records.append({"type": "warnings", "total": sum(w["count"] for w in warnings), "kinds": warnings})
    adopted_ids = {cid for b in (node1, node2) for _, _, text in log_lines(b)
                   for cid in ADOPTED.findall(text)}
    records.append({"type": "not_adopted", "client_ids": [client_id(i) for i in range(args.sessions)
                                                          if client_id(i) not in adopted_ids]})
    failed = [c for c in checked if not c["session_present"] or c["missing"] or c["duplicates"] or c["error"]]
    records.append({"type": "check", "clients": len(checked), "failed": len(failed),
                    "lost": sum(len(c["missing"]) for c in checked),
                    "duplicates": sum(c["duplicates"] for c in checked),
                    "no_session": sum(1 for c in checked if not c["session_present"]),
                    "session_but_missing": sum(1 for c in checked if c["session_present"] and c["missing"]),
                    "errors": sum(1 for c in checked if c["error"]),
                    "received": sum(c["received"] for c in checked), "expected": len(sample) * (args.queued + 1),
                    "failures": failed})
    print(f"check: {json.dumps({k: v for k, v in records[-1].items() if k != 'failures'})}", flush=True)
    if failed or adoption["timed_out"]:
        records.append({"type": "broker_logs", **{b.label: brokers_module.tail(b.log_path, 30, 6000)
                                                  for b in (node1, node2)}})
    return records


def report(records, args, run_id, jsonl):
    by = {r["type"]: r for r in records}
    run_record, adoption, check = by["run"], by["adoption"], by["check"]
    f = adoption["phases"]
    per_node = adoption["per_node"]

    def s(value):
        return f"{value:.2f}" if value is not None else "n/a"

    warnings = by["warnings"]
    pg = by["postgresql_connections"]
    not_adopted = by["not_adopted"]["client_ids"]
    storage = by["storage"]
    stalled = f" (then none for {STALL_S} s: the wait ended)" if adoption["timed_out"] else ""
    offered = "; ".join(f"{label}: " + (f"{n['offered']:,}" if n["offered"] is not None else
                                        "none, the listing failed" if n["listing_failed"] else "none")
                        for label, n in per_node.items())
    plan = storage["lookup_plan"] or []
    lookup_ms = next((re.search(r"Execution Time: ([\d.]+)", p).group(1) for p in plan if "Execution Time" in p), "n/a")
    lookup_scan = "sequential scan" if any("Seq Scan" in p for p in plan) else "index" if any("Index" in p for p in plan) else "?"
    adopted_by_node = ", ".join(f"{label} {n['adopted']:,}" for label, n in per_node.items())
    lines = [
        f"Run {run_id}, `python3 bench/survival.py`{' --quick' if args.quick else ''} (raw figures in "
        f"`{jsonl.relative_to(REPO) if jsonl.is_relative_to(REPO) else jsonl}`): {args.sessions:,} durable sessions "
        f"(MQTT 5, clean start 0, session expiry 3600 s, one QoS 1 subscription each to a topic of its own) made on "
        f"node 3 of three in {by['sessions']['seconds']} s, {args.concurrency} at a time, then offline; "
        f"{args.sample} of them were given {args.queued} QoS 1 messages each, published on node 1 once node 1 routed "
        "their topics to node 3 and acknowledged (sync durability: once committed). Then `kill -9` of node 3. Times "
        "from the kill (the script's clock) to the survivors' log lines (same clock, ms): the member unreachable, "
        "removed (the split brain resolver downs it once membership was stable for `stable_after`), and each "
        "\"Session ... adopted from storage\" (logged once the session runs on its new node from the journal and its "
        "routes are written to every node). After the last one, one QoS 1 message is published to each sampled "
        "session on node 1 or 2 in turn, and the sampled clients reconnect to node 1 or 2 in turn (clean start 0): "
        f"each must get Session Present 1 and its {args.queued + 1} messages.",
        "",
        "Settings that differ from the defaults: " + "; ".join(run_record["settings"]) + ". The three nodes and "
        "PostgreSQL share this 2-core machine with the client.",
        "",
        "| from the kill of node 3, s | |",
        "|---|---:|",
        f"| member unreachable (failure detection) | {s(f['kill_to_unreachable_s'])} |",
        f"| member removed (+ `stable_after` {args.stable_after}) | {s(f['kill_to_removed_s'])} |",
        f"| first session adopted | {s(f['kill_to_first_adopted_s'])} |",
        f"| last session adopted ({adoption['unique']:,} of {args.sessions:,}) | {s(f['kill_to_last_adopted_s'])} |",
        "",
        "| after the removal | |",
        "|---|---:|",
        f"| removed to first adopted, s | {s(f['removed_to_first_adopted_s'])} |",
        f"| removed to last adopted, s | {s(f['removed_to_last_adopted_s'])}{stalled} |",
        f"| sessions adopted per second (removed to last adopted) | {f['adopted_per_s'] or 'n/a'} |",
        f"| survivors that listed node 3's sessions and offered them | {offered} |",
        f"| sessions adopted / on node 3 | {adoption['unique']:,} / {args.sessions:,} "
        f"({adopted_by_node}) |",
        f"| sampled clients failing (no session, a message missing or twice, an error) | {check['failed']} of {check['clients']} "
        f"(no session {check['no_session']}, session but messages missing {check['session_but_missing']}, "
        f"errors {check['errors']}) |",
        f"| messages published after the adoption answered 0x10, no matching subscribers | "
        f"{by['after']['no_subscribers']} of {by['after']['published']}"
        f"{'; refused otherwise: ' + str(by['after']['refused']) if by['after']['refused'] else ''} |",
        f"| of those, answered 0x80 once node 3's adoption ended (held for its durable routes until then; "
        f"delivered to the adopted sessions all the same, sent again by a real client) | "
        f"{by['after']['failed_back']} of {by['after']['published']} |",
        f"| messages lost (acknowledged, never delivered) | {check['lost']} of {check['expected']} |",
        f"| sessions never adopted (still in storage after the check) | {len(not_adopted)} |",
        f"| warnings and errors logged by the survivors, kill to end of check | {warnings['total']} |",
        f"| stored before the kill: journal rows, snapshot rows | {storage['journal_rows']:,}, {storage['snapshot_rows']:,} |",
        f"| one client id's lookup for adoption (a query on the journal), ms; its plan | {lookup_ms} ({lookup_scan}) |",
        f"| PostgreSQL connections at most, the run's database / the server (max_connections {pg['max_connections']}) "
        f"| {pg['peak_run_database']} / {pg['peak_server']} ({pg['unanswered']} of "
        f"{pg['samples'] + pg['unanswered']} samples unanswered) |",
    ]
    if warnings["kinds"]:
        lines += ["", "The survivors' warnings and errors, by kind (numbers, client ids and addresses as #):", ""]
        lines += [f"- {w['count']}x `{w['kind'].strip()}`" for w in warnings["kinds"][:8]]
    default_extra = stable_after_default_extra(args.stable_after)
    if default_extra is not None:
        lines += ["", f"With the default `stable_after` (20 s) the removal, and everything after it, would come about "
                  f"{default_extra:g} s later: the resolver waits that long once the node is unreachable."]
    return "\n".join(lines)


def stable_after_default_extra(setting):
    found = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s)", setting)
    if not found:
        return None
    value = float(found.group(1)) / (1000 if found.group(2) == "ms" else 1)
    return 20 - value


if __name__ == "__main__":
    main()
