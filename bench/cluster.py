#!/usr/bin/env python3
"""What crossing nodes costs: the same `broker bench` loads on one node and across two cluster nodes (publishers on
node 1, subscribers on node 2), in one run, with the bytes the cluster link carried per crossed message; then route
convergence (100,000 new subscriptions on node 1, routable from node 2) and the memory per route. Writes the figures
into docs/PERFORMANCE.md between the cluster markers and the raw JSON lines into bench/results/cluster-<date>.jsonl.

    python3 bench/cluster.py                 # about 3 minutes
    python3 bench/cluster.py --quick --no-doc  # smoke run: 3 s per load, 10,000 routes, figures printed only

Every node runs with its default configuration (hocon/broker.conf) except what the harness needs: the tcp listener
on loopback and the run's port, no WebSocket listener, the management endpoint on any free port, and for the two-node cluster `cluster.discovery_strategy =
static` with both nodes as seeds, `cluster.bind = 127.0.0.1` and each its own `cluster.port` and `node.name`.
Needs the .NET SDK, `ss` (iproute2) and python paho for /usr/bin/python3.
"""

import argparse
import json
import re
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from comparison import brokers as brokers_module  # noqa: E402
from comparison import cluster_nodes  # noqa: E402
from comparison.procstat import rss_kb  # noqa: E402
from comparison.scenarios import scenarios  # noqa: E402
from compare import BROKER_DLL, REPO, run_generator  # noqa: E402

MARK_BEGIN, MARK_END = "<!-- cluster:begin -->", "<!-- cluster:end -->"
LOADS = ("fanin-qos0", "fanin-qos1", "fanout-qos0")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--duration", type=float, default=10, help="seconds per load (default 10)")
    p.add_argument("--drain", type=float, default=5)
    p.add_argument("--routes", type=int, default=100_000, help="subscriptions for route convergence")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--no-build", action="store_true")
    p.add_argument("--no-doc", action="store_true")
    p.add_argument("--base-port", type=int, default=19830)
    return p.parse_args()


def link_bytes(cluster_ports):
    """Bytes sent both ways between the nodes (Akka.Remote's connections to either cluster port), from ss: each socket's
    own bytes_sent, so a connection's two ends on loopback count each direction once."""
    match = " or ".join(f"sport = :{p} or dport = :{p}" for p in cluster_ports)
    out = subprocess.run(["ss", "-tinH", "state", "established", f"( {match} )"],
                         capture_output=True, text=True, check=True).stdout
    return sum(int(m) for m in re.findall(r"bytes_sent:(\d+)", out))


def run_load(scenario, pub_port, sub_port, args, run_dir, cluster_ports=None):
    argv = ["dotnet", str(BROKER_DLL), "bench", *scenario.args, "--host", "127.0.0.1", "--port", str(pub_port),
            "--version", scenario.mqtt_version or "4", "--duration", f"{args.duration:g}s", "--drain", f"{args.drain:g}s"]
    if sub_port != pub_port:
        argv += ["--sub-port", str(sub_port)]
    before = link_bytes(cluster_ports) if cluster_ports else 0
    result, error = run_generator(argv, run_dir / f"{scenario.id}-{pub_port}-{sub_port}.stderr",
                                  args.duration + args.drain + 120)
    crossed = (link_bytes(cluster_ports) - before) if cluster_ports else None
    return {"scenario": scenario.id, "command": argv, "result": result, "error": error, "link_bytes": crossed}


def main():
    args = parse_args()
    if args.quick:
        args.duration, args.drain, args.routes = 3, 2, 10_000
    brokers_module.ensure_release_build(REPO, BROKER_DLL, args.no_build)
    loads = [s for s in scenarios(0) if s.id in LOADS]
    run_id = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H%M%SZ")
    records = []
    base = args.base_port
    with tempfile.TemporaryDirectory(prefix="broker-cluster-bench-") as tmp:
        run_dir = Path(tmp)
        single = cluster_nodes.node("single", base, BROKER_DLL, run_dir)
        one, two = cluster_nodes.cluster(["node1", "node2"], base + 1, base + 11, BROKER_DLL, run_dir)
        started = [single, one, two]
        try:
            for b in started:
                b.start(run_dir)
            for b in started:
                b.wait_ready()
            for b in (one, two):
                cluster_nodes.wait_members_up(b, 2)
            for scenario in loads:
                records.append({"mode": "one node", **run_load(scenario, single.port, single.port, args, run_dir)})
                records.append({"mode": "across nodes",
                                **run_load(scenario, one.port, two.port, args, run_dir, cluster_ports=(base + 11, base + 12))})
                for r in records[-2:]:
                    print(summary(r), flush=True)
            records.append(convergence(one, two, args))
            print(json.dumps(records[-1]), flush=True)
        finally:
            cluster_nodes.stop(started)
    cluster_nodes.save_records(REPO, "cluster", run_id, records, args.quick)
    text = report(records, args, run_id)
    if args.no_doc or args.quick:
        print(text)
    else:
        write_doc(text)


def convergence(one, two, args):
    rss_one, rss_two = rss_kb(one.pid), rss_kb(two.pid)
    out = subprocess.run(["/usr/bin/python3", str(REPO / "bench/comparison/convergence.py"), "--sub-port", str(one.port),
                          "--pub-port", str(two.port), "--filters", str(args.routes)],
                         capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        return {"mode": "convergence", "error": out.stderr[-500:]}
    record = json.loads(out.stdout.strip().splitlines()[-1])
    record.update(mode="convergence",
                  node1_kb_per_subscription=round((rss_kb(one.pid) - rss_one) / args.routes, 3),
                  node2_kb_per_route=round((rss_kb(two.pid) - rss_two) / args.routes, 3))
    return record


def summary(r):
    res = r["result"]
    if res is None:
        return f"{r['scenario']:>12} {r['mode']:>13}: failed: {r['error']}"
    per = f", {r['link_bytes'] / max(res['received'], 1):.0f} link bytes per delivered" if r["link_bytes"] else ""
    return (f"{r['scenario']:>12} {r['mode']:>13}: {res['delivered_per_s']:,.0f} msg/s delivered, "
            f"{res['acked_per_s']:,.0f} acked/s, {res['lost']:,} lost, {res['acked_lost']:,} acked lost, "
            f"{res['duplicates']:,} duplicates, p99 {res['latency_us']['p99']} us{per}")


def report(records, args, run_id):
    lines = [f"Run {run_id}, `python3 bench/cluster.py`{' --quick' if args.quick else ''}: each load {args.duration:g} s "
             f"(drain {args.drain:g} s), first on one node alone, then with publishers on node 1 and subscribers on "
             "node 2 of a two-node cluster, all three broker processes at their defaults (the harness's listener "
             "and management-port settings, and the cluster's: static seeds, cluster.bind 127.0.0.1) on this 2-core machine, generator "
             "included.", "",
             "| load | one node, delivered msg/s | across nodes, delivered msg/s | ratio | across: lost / acked lost / duplicates | "
             "cluster link bytes per crossed message |", "|---|---:|---:|---:|---|---:|"]
    by = {(r.get("scenario"), r["mode"]): r for r in records}
    for load in LOADS:
        single, across = by.get((load, "one node")), by.get((load, "across nodes"))
        if not single or not across or not single["result"] or not across["result"]:
            lines.append(f"| {load} | failed | failed | | | |")
            continue
        s, a = single["result"], across["result"]
        # Each message crosses once to node 2 whatever number of subscribers it has there.
        crossed = a["received"] if load.startswith("fanin") else a["sent"]
        lines.append(f"| {load} | {s['delivered_per_s']:,.0f} | {a['delivered_per_s']:,.0f} | "
                     f"{a['delivered_per_s'] / max(s['delivered_per_s'], 1):.2f}x | {a['lost']:,} / {a['acked_lost']:,} / "
                     f"{a['duplicates']:,} | {across['link_bytes'] / max(crossed, 1):.0f} |")
    conv = by.get((None, "convergence"))
    if conv and "error" not in conv:
        lines += ["", f"Route convergence: {conv['filters']:,} new subscriptions (`conv/<i>/#`, {conv['clients']} paho "
                  f"clients on node 1, {conv['subscribe_s']} s until the last SUBACK); probes published on node 2 to "
                  f"{conv['sampled']} of them: the first routable {conv['first_routable_s']} s and all "
                  f"{conv['all_routable_s']} s after the last SUBACK. Memory (RSS growth over the subscriptions): "
                  f"{conv['node1_kb_per_subscription']} KB per subscription on node 1 (session, local table, route "
                  f"and its distributed-data entry), {conv['node2_kb_per_route']} KB per route on node 2."]
    elif conv:
        lines += ["", f"Route convergence failed: {conv['error']}"]
    return "\n".join(lines)


def write_doc(text):
    cluster_nodes.write_section(REPO / "docs/PERFORMANCE.md", MARK_BEGIN, MARK_END, text, "Across cluster nodes (issue 14)")


if __name__ == "__main__":
    main()
