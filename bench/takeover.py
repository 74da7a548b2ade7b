#!/usr/bin/env python3
"""What one session per client id costs in a cluster: the takeover of a persistent session across the nodes of a
three-node cluster against the same takeover on one node (our broker alone, and mosquitto), and the CONNECT of a fresh
client id on a cluster node against one node alone (in a cluster every CONNECT first claims its client id with the
id's owner entity). Writes the figures into docs/PERFORMANCE.md between the takeover markers and the raw JSON lines
into bench/results/takeover-<date>.jsonl.

    python3 bench/takeover.py                  # about 3 minutes
    python3 bench/takeover.py --quick --no-doc # smoke run: 100 takeovers, figures printed only

The clients are python paho (bench/comparison/takeover_client.py: MQTT 5, clean start 0, session expiry 300 s, 10 QoS 1
messages left unacknowledged in the session before each takeover). Our brokers run with their defaults
(hocon/broker.conf) except what the harness needs: the tcp listener on loopback and the run's port, no WebSocket
listener, the management endpoint on any free port, and for the cluster `cluster.discovery_strategy = static` with
the three nodes as seeds, `cluster.bind = 127.0.0.1` and each its own `cluster.port` and `node.name`. mosquitto runs
with compare.py's configuration. Needs the .NET SDK, mosquitto and python paho for /usr/bin/python3.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from comparison import brokers as brokers_module  # noqa: E402
from comparison import cluster_nodes  # noqa: E402
from compare import BROKER_DLL, REPO  # noqa: E402

MARK_BEGIN, MARK_END = "<!-- takeover:begin -->", "<!-- takeover:end -->"
MODES = ("single node", "cluster", "mosquitto")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--count", type=int, default=1000, help="takeovers measured, and fresh connects (default 1000)")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--no-build", action="store_true")
    p.add_argument("--no-doc", action="store_true")
    p.add_argument("--keep-logs", type=Path, help="copy the brokers' logs into this directory")
    p.add_argument("--base-port", type=int, default=19860)
    return p.parse_args()


def run_client(mode, load, ports, args, run_dir):
    argv = ["/usr/bin/python3", str(REPO / "bench/comparison/takeover_client.py"), "--ports", ",".join(map(str, ports)),
            "--id-prefix", f"{mode}-{load}".replace(" ", "-")]
    if load == "takeover":
        argv += ["--count", str(args.count), "--warmup", str(args.warmup)]
    else:  # one client id back and forth: every move goes back to a node the session left a few ms before
        argv += ["--count", str(args.flapping), "--warmup", "0", "--fresh", "0", "--clients", "1", "--revisit-s", "0"]
    # Bounded: 1,000 takeovers take a minute or two; a stuck one gives up after its own 10 s per wait.
    out = subprocess.run(argv, capture_output=True, text=True, timeout=300 + args.count * 1.0, cwd=run_dir)
    record = {"mode": mode, "load": load, "command": [a.replace(f"{REPO}/", "") for a in argv]}
    if out.returncode != 0:
        return {**record, "result": None, "error": out.stderr[-1000:]}
    return {**record, "result": json.loads(out.stdout.strip().splitlines()[-1]), "error": None}


def main():
    args = parse_args()
    args.warmup, args.flapping = 100, 60
    if args.quick:
        args.count, args.warmup, args.flapping = 100, 20, 10
    brokers_module.ensure_release_build(REPO, BROKER_DLL, args.no_build)
    run_id = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H%M%SZ")
    base = args.base_port
    records = []
    with tempfile.TemporaryDirectory(prefix="broker-takeover-bench-") as tmp:
        run_dir = Path(tmp)
        single = cluster_nodes.node("single", base, BROKER_DLL, run_dir)
        nodes = cluster_nodes.cluster(["node1", "node2", "node3"], base + 1, base + 11, BROKER_DLL, run_dir)
        mosquitto = brokers_module.mosquitto(base + 5, run_dir)
        started = [single, *nodes, mosquitto]
        records.append({"type": "run", "run_id": run_id, "count": args.count, "warmup": args.warmup,
                        "brokers": {b.label: [a.replace(str(run_dir), "<tmp>") for a in b.argv] for b in started},
                        "settings": {"ours": single.settings, "mosquitto": mosquitto.settings},
                        "mosquitto_config": mosquitto.config_text})
        try:
            for b in started:
                b.start(run_dir)
            for b in started:
                b.wait_ready()
            for b in nodes:
                cluster_nodes.wait_members_up(b, 3)
            for load, mode, ports in [(load, mode, ports) for load in ("takeover", "flapping")
                                      for mode, ports in (("single node", [single.port]),
                                                          ("cluster", [b.port for b in nodes]),
                                                          ("mosquitto", [mosquitto.port]))]:
                record = run_client(mode, load, ports, args, run_dir)
                if record["result"] is None or any(record["result"]["failures"].values()):
                    record["broker_logs"] = {b.label: brokers_module.tail(b.log_path, 20, 4000)
                                             for b in ([single] if mode == "single node" else
                                                       nodes if mode == "cluster" else [mosquitto])}
                records.append(record)
                print(summary(record), flush=True)
        finally:
            cluster_nodes.stop(started, args.keep_logs)
    jsonl = cluster_nodes.save_records(REPO, "takeover", run_id, records, args.quick)
    print(f"raw figures: {jsonl}")
    text = report(records, args, run_id, jsonl)
    if args.no_doc or args.quick:
        print(text)
    else:
        cluster_nodes.write_section(REPO / "docs/PERFORMANCE.md", MARK_BEGIN, MARK_END, text,
                                    "Sessions in a cluster (issue 15)")


def summary(r):
    res = r["result"]
    if res is None:
        return f"{r['load']:>8} {r['mode']:>12}: failed: {r['error']}"
    failed = {k: v for k, v in res["failures"].items() if v}
    return (f"{r['load']:>8} {r['mode']:>12}: waits {res['revisit_waits']} ({res['revisit_wait_s']} s), takeover {res['takeover_ms']}, fresh connect {res['fresh_connect_ms']}, "
            f"{res['seconds']} s, failures {failed or 'none'}, pairs {res['pairs']}")


def report(records, args, run_id, jsonl):
    by = {(r["load"], r["mode"]): r.get("result") for r in records if "mode" in r}
    settings = records[0]["settings"]
    lines = [
        f"Run {run_id}, `python3 bench/takeover.py`{' --quick' if args.quick else ''} (raw figures in "
        f"`{jsonl.relative_to(REPO) if jsonl.is_relative_to(REPO) else jsonl}`): {args.count:,} takeovers after "
        f"{args.warmup} not counted, then {args.count:,} fresh client ids, one at a time, 5 ms apart, by python paho "
        "(MQTT 5, clean start 0, session expiry 300 s, one QoS 1 subscription; 100 client ids in turn). Before each "
        "takeover the connection holding the session stops reading and 10 QoS 1 messages are published to it on its "
        "node, so they sit unacknowledged in the session; the new connection of the same client id goes to the next "
        "node (in the cluster every ordered pair of the three nodes in turn, a session never back on a node it left "
        "less than 2 s before; on one node, the same broker). Time: from sending CONNECT to CONNACK with Session "
        "Present 1 (fresh ids: clean start 1, Session Present 0). Each takeover also checks that the old connection "
        "is closed and the 10 messages arrive on the new one. \"Back to a node just left\": one client id taken over "
        f"{args.flapping} times in a row, 5 ms apart, so in the cluster each move goes to a node the session left a few "
        "ms before.",
        "",
        "Settings that differ from the defaults: ours, " + "; ".join(settings["ours"]) + "; the cluster's nodes also "
        + cluster_nodes.CLUSTER_SETTINGS + ". mosquitto: " + "; ".join(settings["mosquitto"]) + ". All five broker "
        "processes run throughout, on this 2-core machine with the client.",
        "",
        "| load, ms | single node | cluster (3 nodes) | ratio | mosquitto |",
        "|---|---:|---:|---:|---:|",
    ]
    rows = (("takeover", "takeover_ms", "takeover"), ("takeover", "fresh_connect_ms", "connect, fresh client id"),
            ("flapping", "takeover_ms", f"takeover, back to a node just left ({args.flapping} in a row)"))
    for load, figure, label in rows:
        for q in ("p50", "p90", "p99", "max"):
            cells = [((by.get((load, m)) or {}).get(figure) or {}).get(q) for m in MODES]
            ratio = f"{cells[1] / cells[0]:.2f}x" if cells[0] and cells[1] else ""
            shown = [f"{c:.2f}" if c is not None else "failed" for c in cells]
            lines.append(f"| {label} {q} | {shown[0]} | {shown[1]} | {ratio} | {shown[2]} |")
    for load in ("takeover", "flapping"):
        lines.append(f"| failures ({load}s, all checks) | " + " | ".join(
            [failures(by.get((load, MODES[0]))), failures(by.get((load, MODES[1]))), "",
             failures(by.get((load, MODES[2])))]) + " |")
    return "\n".join(lines)


def failures(result):
    if not result:
        return "did not run"
    failed = {k: v for k, v in result["failures"].items() if v}
    return ", ".join(f"{k}: {v}" for k, v in failed.items()) or "0"


if __name__ == "__main__":
    main()
