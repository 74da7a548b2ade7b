#!/usr/bin/env python3
"""Users of the built-in database changed at run time in a three-node cluster: how fast the API adds them on one node,
how long until every other node has them (distributed data), how long a removal takes to reach the others, and how
long a restarted node takes to load the users it stored. Writes the figures into docs/PERFORMANCE.md between the
security-replication markers and the raw JSON lines into bench/results/security-replication-<date>.jsonl.

    python3 bench/security_replication.py                  # about 2 minutes with 10,000 users
    python3 bench/security_replication.py --quick --no-doc # smoke run: 500 users, figures printed only

No peer is measured beside these figures: mosquitto, the peer of the other sections, has no cluster to share users
across. The nodes run with their defaults (hocon/broker.conf) except what the harness needs (loopback listeners, the
management endpoint on any free port, a static cluster of the three) and one password_based/built_in_database
authenticator with the default pbkdf2 hashing. Needs the .NET SDK.
"""

import argparse
import json
import socket
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from comparison import brokers as brokers_module  # noqa: E402
from comparison import cluster_nodes  # noqa: E402
from compare import BROKER_DLL, REPO  # noqa: E402

MARK_BEGIN, MARK_END = "<!-- security-replication:begin -->", "<!-- security-replication:end -->"
USERS = "/api/v5/authentication/password_based:built_in_database/users"
AUTHENTICATOR = ["--authentication.0.mechanism=password_based", "--authentication.0.backend=built_in_database"]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--users", type=int, default=10_000, help="users added through node1's API (default 10,000)")
    p.add_argument("--removed", type=int, default=1_000, help="of them, removed again (default 1,000)")
    p.add_argument("--concurrency", type=int, default=8, help="API requests in flight (default 8)")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--no-build", action="store_true")
    p.add_argument("--no-doc", action="store_true")
    p.add_argument("--keep-logs", type=Path, help="copy the brokers' logs into this directory")
    p.add_argument("--base-port", type=int, default=19960)
    return p.parse_args()


# url -> the Authorization header of the node it names (/api/v5 needs credentials: each node's own, as broker ctl's).
AUTHORIZATION = {}


def request(url, method="GET", body=None):
    data = None if body is None else json.dumps(body).encode()
    headers = {"content-type": "application/json"}
    headers.update({"authorization": a for base, a in AUTHORIZATION.items() if url.startswith(base)})
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(req, timeout=30) as answer:
        text = answer.read()
        return answer.status, (json.loads(text) if text else None)


def count(base):
    return request(f"{base}{USERS}?limit=1")[1]["meta"]["count"]


def until_count(bases, wanted, timeout_s):
    """Seconds until every node's API lists `wanted` users, polled every 50 ms; None when not within the bound."""
    start = time.monotonic()
    pending = set(bases)
    while pending:
        pending = {b for b in pending if count(b) != wanted}
        if time.monotonic() - start > timeout_s:
            return None
        if pending:
            time.sleep(0.05)
    return time.monotonic() - start


def wait_port(broker, timeout_s=60):
    """Until the node's MQTT port accepts TCP (the harness's MQTT probe is anonymous, which these nodes refuse)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with socket.create_connection(("127.0.0.1", broker.port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline or broker.process.poll() is not None:
                raise RuntimeError(f"{broker.label}: port {broker.port} not open")
            time.sleep(0.05)


def run(nodes, args, run_dir):
    for b in nodes:
        b.start(run_dir)
    for b in nodes:
        wait_port(b)
        cluster_nodes.wait_members_up(b, len(nodes))
    bases = [cluster_nodes.management_url(b) for b in nodes]
    AUTHORIZATION.update({base: cluster_nodes.api_authorization(b) for base, b in zip(bases, nodes)})
    records = []

    def add(i):
        status, _ = request(bases[0] + USERS, "POST", {"user_id": f"device-{i:06d}", "password": f"pw-{i}", "is_superuser": False})
        return status

    start = time.monotonic()
    with ThreadPoolExecutor(args.concurrency) as pool:
        statuses = list(pool.map(add, range(args.users)))
    added_s = time.monotonic() - start
    spread_s = until_count(bases[1:], args.users, 120)
    records.append({"type": "added", "users": args.users, "created": statuses.count(201), "seconds": added_s,
                    "per_second": args.users / added_s, "others_have_all_after_s": spread_s})

    start = time.monotonic()
    with ThreadPoolExecutor(args.concurrency) as pool:
        list(pool.map(lambda i: request(f"{bases[0]}{USERS}/device-{i:06d}", "DELETE"), range(args.removed)))
    removed_s = time.monotonic() - start
    gone_s = until_count(bases[1:], args.users - args.removed, 120)
    records.append({"type": "removed", "users": args.removed, "seconds": removed_s, "others_lost_all_after_s": gone_s})

    restarted = nodes[2]
    restarted.stop()
    start = time.monotonic()
    restarted.start(run_dir)
    wait_port(restarted)
    ready_s = time.monotonic() - start
    base = cluster_nodes.management_url(restarted)
    AUTHORIZATION[base] = cluster_nodes.api_authorization(restarted)
    loaded = count(base)
    records.append({"type": "restart", "stored": args.users - args.removed, "listed_when_ready": loaded, "ready_after_s": ready_s})
    return records


def report(records, args, run_id, jsonl):
    added = next(r for r in records if r["type"] == "added")
    removed = next(r for r in records if r["type"] == "removed")
    restart = next(r for r in records if r["type"] == "restart")

    def s(value):
        return "not within 120 s" if value is None else f"{value:.2f} s"

    return "\n".join([
        f"Run {run_id}, `python3 bench/security_replication.py`{' --quick' if args.quick else ''} (raw figures in "
        f"`{jsonl.relative_to(REPO) if jsonl.is_relative_to(REPO) else jsonl}`). "
        "No peer beside these: mosquitto has no cluster to share users across.",
        "",
        "| step | figure |",
        "|---|---|",
        f"| {added['users']:,} users added through node1's API ({args.concurrency} requests in flight, each password hashed with pbkdf2 4,096 iterations) | "
        f"{added['per_second']:,.0f} a second ({added['created']:,} answered 201) |",
        f"| ... until node2 and node3 list them all, after the last answer | {s(added['others_have_all_after_s'])} |",
        f"| {removed['users']:,} of them removed through node1's API | {removed['users'] / removed['seconds']:,.0f} a second |",
        f"| ... until node2 and node3 no longer list them | {s(removed['others_lost_all_after_s'])} |",
        f"| node3 restarted (SIGTERM, start): from the start to its MQTT port serving | {restart['ready_after_s']:.2f} s, "
        f"listing {restart['listed_when_ready']:,} of the {restart['stored']:,} users it stored |",
        "",
        "Settings that differ from the defaults: the harness's (`listeners.tcp.bind=127.0.0.1`, the run's ports, "
        "`listeners.ws.enabled=false`, `management.http.port=0`), " + cluster_nodes.CLUSTER_SETTINGS +
        ", and `authentication = [{ mechanism = password_based, backend = built_in_database }]`; storage the default "
        "(SQLite, durability sync), one database per node.",
    ])


def main():
    args = parse_args()
    if args.quick:
        args.users, args.removed = min(args.users, 500), min(args.removed, 50)
    brokers_module.ensure_release_build(REPO, BROKER_DLL, args.no_build)
    run_id = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H%M%SZ")
    base = args.base_port
    with tempfile.TemporaryDirectory(prefix="broker-security-replication-") as tmp:
        run_dir = Path(tmp)
        nodes = cluster_nodes.cluster(["node1", "node2", "node3"], base + 1, base + 11, BROKER_DLL, run_dir)
        for b in nodes:
            b.argv += AUTHENTICATOR
        try:
            records = [{"type": "run", "run_id": run_id, "users": args.users, "removed": args.removed,
                        "concurrency": args.concurrency}] + run(nodes, args, run_dir)
        except (urllib.error.URLError, RuntimeError) as e:
            sys.exit(f"run failed: {e}")
        finally:
            cluster_nodes.stop(nodes, args.keep_logs)
    jsonl = cluster_nodes.save_records(REPO, "security-replication", run_id, records, args.quick)
    print(f"raw figures: {jsonl}")
    text = report(records, args, run_id, jsonl)
    if args.no_doc or args.quick:
        print(text)
    else:
        cluster_nodes.write_section(REPO / "docs/PERFORMANCE.md", MARK_BEGIN, MARK_END, text,
                                    "Users shared in a cluster (issue 16)")


if __name__ == "__main__":
    main()
