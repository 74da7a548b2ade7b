#!/usr/bin/env python3
"""Runs the same `broker bench` scenarios against our broker, mosquitto and NATS, one broker at a
time, and writes the figures side by side into docs/PERFORMANCE.md (between the compare markers)
and the raw JSON lines into bench/results/<date>.jsonl.

    python3 bench/compare.py            # each scenario its own length (fan-in 15 s, the others 10 s), about 15 minutes
    python3 bench/compare.py --quick --scenarios 1,2,2b
        # smoke run, under a minute: 2 s per scenario, 2 s drain, figures printed, not written to docs/PERFORMANCE.md
    python3 bench/compare.py --fake-generator --no-build --quick
        # tests this script with canned figures: nothing is written to docs/PERFORMANCE.md
    python3 bench/compare.py --before 261c7ea --brokers ours,mosquitto
        # a change's guard: the broker built from another revision runs every scenario in the same run, and a
        # "before and after" table gives each figure's ratio and whether it is within 5 %

Our broker runs with its default configuration (hocon/broker.conf); only its listeners are set for the harness
(loopback, the run's port, no WebSocket listener). What differs from each broker's defaults is listed in the report.

Needs mosquitto, nats-server (with JetStream, for its MQTT listener) and the .NET SDK;
mosquitto_pub, when present, checks that each broker answers MQTT before the first scenario.
"""

import argparse
import json
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from comparison import brokers as brokers_module
from comparison import machine, report
from comparison.procstat import PeakRssSampler, cpu_seconds, rss_kb
from comparison.scenarios import WARMUP, WARMUP_CONNECTIONS, scenarios

REPO = Path(__file__).resolve().parent.parent
BROKER_DLL = REPO / "src/Broker.Host/bin/Release/net10.0/broker.dll"
FAKE_GENERATOR = Path(__file__).resolve().parent / "comparison/fake_generator.py"
MQTT_VERSION_NAMES = {"5": "5.0", "4": "3.1.1", "3": "3.1"}
# Beyond the scenario's duration and drain: connecting 19,000 clients, printing.
GENERATOR_GRACE_S = 120
QUICK_DURATION_S, QUICK_DRAIN_S, QUICK_SETTLE_S = 2, 2, 0.5


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--duration", type=float, default=None,
                   help="seconds of publishing per scenario (default: the scenario's own, 15 for fan-in, 10 for the others)")
    p.add_argument("--drain", type=float, default=None,
                   help="seconds the generator may wait after publishing for what is still on its way (default 10)")
    p.add_argument("--quick", action="store_true",
                   help=f"smoke run: {QUICK_DURATION_S} s per scenario, {QUICK_DRAIN_S} s drain, short warm-up and rests; "
                        "implies --no-doc and writes the JSONL to a temporary directory")
    p.add_argument("--brokers", default="ours,mosquitto,nats", help="which brokers, comma-separated")
    p.add_argument("--scenarios", default="", help="scenarios to run, by number (1, 2, 2b, 3, 4, 5) or id (fanin-qos0...), comma-separated (default all)")
    p.add_argument("--connections", type=int, default=19000, help="idle connections in scenario 5")
    # NATS (2.9) speaks MQTT 3.1.1 only, so 3.1.1 is the one version all three brokers share.
    p.add_argument("--mqtt-version", default="4", choices=MQTT_VERSION_NAMES, help="5, 4 (3.1.1) or 3")
    p.add_argument("--base-port", type=int, default=18830,
                   help="ours on +1, mosquitto on +2, NATS MQTT on +3, NATS client port on +4, null broker on +5")
    p.add_argument("--before", metavar="REV", default=None,
                   help="also run our broker built from git revision REV (in a temporary worktree), on base port +6, "
                        "and add a before-and-after table")
    p.add_argument("--settle", type=float, default=None, help="seconds of rest after each run (default 3)")
    p.add_argument("--no-build", action="store_true", help="use the existing Release build")
    p.add_argument("--no-warmup", action="store_true")
    p.add_argument("--no-baseline", action="store_true",
                   help="do not run scenario 4 against the null broker (the generator's own floor)")
    p.add_argument("--no-doc", action="store_true", help="print the report instead of writing PERFORMANCE.md")
    p.add_argument("--fake-generator", action="store_true",
                   help="FOR TESTING THIS SCRIPT ONLY: canned figures in place of `broker bench`; "
                        "implies --no-doc and writes the JSONL to a temporary directory")
    args = p.parse_args()
    if args.quick:
        args.duration = QUICK_DURATION_S if args.duration is None else args.duration
        args.drain = QUICK_DRAIN_S if args.drain is None else args.drain
        args.settle = QUICK_SETTLE_S if args.settle is None else args.settle
        # Smoke figures are not measurements: they never reach docs/PERFORMANCE.md or bench/results.
        args.no_doc = True
    if args.settle is None:
        args.settle = 3
    if args.drain is None:
        args.drain = 10
    if args.fake_generator:
        args.no_doc = True
    return args


def scenario_duration(args, scenario):
    return args.duration if args.duration is not None else scenario.duration_s


def main():
    args = parse_args()
    # SIGTERM and SIGHUP unwind through the `finally` below like Ctrl-C does, so the brokers stop.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: sys.exit(128 + signum))

    brokers_module.ensure_release_build(REPO, BROKER_DLL, args.no_build)

    open_files = brokers_module.raise_open_files_limit(args.connections + 500)
    run_dir = Path(tempfile.mkdtemp(prefix="broker-compare-"))
    wanted = args.brokers.split(",")
    all_brokers = {
        "ours": lambda: brokers_module.ours(args.base_port + 1, BROKER_DLL, run_dir),
        "mosquitto": lambda: brokers_module.mosquitto(args.base_port + 2, run_dir),
        "nats": lambda: brokers_module.nats(args.base_port + 3, args.base_port + 4, run_dir),
    }
    brokers = [all_brokers[key]() for key in all_brokers if key in wanted]
    before_tree = None
    if args.before:
        before_tree = run_dir / "before-tree"
        before_dll = brokers_module.build_revision(REPO, args.before, before_tree)
        brokers.append(brokers_module.ours(args.base_port + 6, before_dll, run_dir, key="before",
                                           label=f"ours@{args.before}"))
    baseline = None
    if not args.no_baseline and any(s.baseline for s in chosen_scenarios(args)):
        baseline = brokers_module.null_broker(args.base_port + 5, BROKER_DLL)
    started = brokers + ([baseline] if baseline else [])
    failed = True
    try:
        start_brokers(started, args.base_port, run_dir)
        failed = run_all(args, brokers, baseline, run_dir, open_files)
    finally:
        for b in started:
            b.stop()
        if before_tree:
            brokers_module.remove_worktree(REPO, before_tree)
        if failed:
            print(f"logs and configurations kept in {run_dir}")
        else:
            shutil.rmtree(run_dir, ignore_errors=True)


def chosen_scenarios(args):
    return [s for s in scenarios(args.connections)
            if not args.scenarios or {s.id, s.number} & set(args.scenarios.split(","))]


def start_brokers(brokers, base_port, run_dir):
    for port in range(base_port + 1, base_port + 7):
        if not brokers_module.port_is_free(port):
            sys.exit(f"port {port} on 127.0.0.1 is taken: choose another --base-port")
    for b in brokers:
        b.start(run_dir)
    for b in brokers:
        b.wait_ready()
        print(f"{b.label}: pid {b.pid}, MQTT on 127.0.0.1:{b.port}")


def run_all(args, brokers, baseline, run_dir, open_files):
    now = datetime.now(timezone.utc)
    run_id = now.strftime("%Y-%m-%dT%H%M%SZ")
    # Fake and quick figures stay out of the repository; the run directory is removed at the end, so not there.
    results_dir = Path(tempfile.gettempdir()) if args.fake_generator or args.quick else REPO / "bench/results"
    results_dir.mkdir(parents=True, exist_ok=True)
    prefix = "broker-compare-FAKE-" if args.fake_generator else "broker-compare-QUICK-" if args.quick else ""
    jsonl = results_dir / f"{prefix}{run_id}.jsonl"
    # The generator runs for seconds, too short for tiered compilation to pay: its first code would run
    # unoptimized while a background thread recompiles it, a third of its CPU in scenario 5. Fully optimized
    # at the first call, it needs a fifth less CPU (docs/PERFORMANCE.md, "Connection rate").
    generator = ([sys.executable, str(FAKE_GENERATOR)] if args.fake_generator
                 else ["env", "DOTNET_TieredCompilation=0", "dotnet", str(BROKER_DLL)])

    info = machine.describe(open_files)
    command = "python3 bench/compare.py " + " ".join(sys.argv[1:])
    chosen = chosen_scenarios(args)
    run = {"type": "run", "run": run_id, "date": now.strftime("%Y-%m-%d %H:%M UTC"), "command": command.strip(),
           "fake_generator": args.fake_generator, "quick": args.quick,
           "duration_s": {s.id: scenario_duration(args, s) for s in chosen}, "drain_s": args.drain,
           "mqtt_version": args.mqtt_version, "mqtt_version_name": MQTT_VERSION_NAMES[args.mqtt_version],
           "machine": info,
           "brokers": {b.key: {"argv": b.argv, "config": b.config_text, "settings": b.settings}
                       for b in brokers + ([baseline] if baseline else [])},
           "jsonl": str(jsonl.relative_to(REPO)) if jsonl.is_relative_to(REPO) else str(jsonl)}
    write_jsonl(jsonl, run)

    if not args.no_warmup:
        connections = any(s.kind == "connections" for s in chosen)
        warm_up(brokers + ([baseline] if baseline else []), args, generator, run_dir, connections)

    # The idle connections run first, on brokers fresh from the warm-up, so that the memory read
    # before them is an idle broker's and not one still holding queues from the flat-out runs.
    order = sorted(chosen, key=lambda s: s.kind != "connections")
    records, failed = {}, False
    for s in order:
        runs = {}
        for r in range(s.rounds):
            for b in brokers + ([baseline] if baseline and s.baseline else []):
                record = run_scenario(b, s, args, generator, run_dir)
                record["run"] = run_id
                if s.rounds > 1:
                    record["round"] = r + 1
                runs.setdefault(b.key, []).append(record)
                write_jsonl(jsonl, record)
                failed |= record["status"] not in ("ok", "not supported")
                print(summary_line(b, s, record))
                time.sleep(args.settle)
        for key, rounds in runs.items():
            records[(key, s.id)] = median_round(rounds)

    def shorten(text):
        return text.replace(f"{REPO}/", "").replace(str(run_dir), "<tmp>")
    section = report.render(run, chosen, records, brokers, info, generator, shorten, baseline)
    if args.no_doc:
        if args.fake_generator:
            print("\n*** FAKE GENERATOR: canned figures that test this script, not measurements ***\n")
        print(section)
    else:
        doc = REPO / "docs/PERFORMANCE.md"
        doc.write_text(report.replace_section(doc.read_text(), section))
        print(f"wrote {doc.relative_to(REPO)}")
    print(f"raw figures: {jsonl}")
    return failed


def median_round(rounds):
    """The round with the median p99 latency (the first one when there is one round or no latency), with
    every round's p99 attached for the report."""
    if len(rounds) == 1:
        return rounds[0]

    def p99(record):
        return ((record.get("result") or {}).get("latency_us") or {}).get("p99")
    measured = sorted((r for r in rounds if p99(r) is not None), key=p99)
    chosen = dict(measured[len(measured) // 2] if measured else rounds[0])
    chosen["rounds_p99_us"] = [p99(r) for r in rounds]
    return chosen


def warm_up(brokers, args, generator, run_dir, connections):
    """`connections`: also the connection warm-up, which only scenario 5 needs."""
    seconds = 1 if args.quick else 2
    for b in brokers:
        print(f"warm-up: {b.label}")
        for i, warmup in enumerate([WARMUP] + ([WARMUP_CONNECTIONS] if connections else [])):
            _, error = run_generator(generator + ["bench"] + warmup + common_args(b, args, seconds),
                                     run_dir / f"warmup-{b.key}-{i}.stderr", seconds + GENERATOR_GRACE_S)
            if error:
                print(f"warning: the warm-up against {b.label} failed: {error}")
        time.sleep(args.settle)


def common_args(broker, args, duration_s, scenario=None):
    version = (scenario.mqtt_version if scenario else None) or args.mqtt_version
    common = ["--host", "127.0.0.1", "--port", str(broker.port), "--version", version, "--duration", f"{duration_s:g}s"]
    if scenario is not None and scenario.args[0] == "pubsub":
        common += ["--drain", f"{args.drain:g}s"]
    return common


def run_scenario(broker, scenario, args, generator, run_dir):
    duration = scenario_duration(args, scenario)
    argv = generator + ["bench"] + scenario.args + common_args(broker, args, duration, scenario)
    record = {"type": "scenario", "broker": broker.key, "scenario": scenario.id, "command": argv,
              "duration_s": duration, "drain_s": args.drain, "result": None, "error": None}
    if scenario.qos == 2 and not broker.supports_qos2:
        record["status"] = "not supported"
        return record
    if broker.process.poll() is not None:
        record.update(status="failed", error=f"the broker had exited with {broker.process.returncode}")
        return record

    cpu_before, rss_before = cpu_seconds(broker.pid), rss_kb(broker.pid)
    with PeakRssSampler(broker.pid) as rss:
        result, error = run_generator(argv, run_dir / f"{broker.key}-{scenario.id}.stderr",
                                      duration + args.drain + GENERATOR_GRACE_S)
    if broker.process.poll() is not None:
        record.update(status="failed", result=result,
                      error=f"the broker exited with {broker.process.returncode} during the run: "
                            f"{brokers_module.tail(broker.log_path)}")
        return record
    record.update(broker_cpu_s=round(cpu_seconds(broker.pid) - cpu_before, 3),
                  broker_rss_before_kb=rss_before, broker_rss_peak_kb=rss.peak_kb,
                  rss_samples=rss.samples, result=result, error=error,
                  status="ok" if result is not None else "failed")
    if result is not None and scenario.kind == "connections":
        opened = result.get("connections") or 0
        # KB as in hocon/broker.conf: 1 KB = 1024 bytes, the unit of VmRSS.
        record["kb_per_connection"] = round((rss.peak_kb - rss_before) / opened, 3) if opened else None
    return record


def run_generator(argv, stderr_path, timeout_s):
    """Runs one generator process; returns (its JSON line, None) or (None, what went wrong)."""
    with open(stderr_path, "wb") as stderr:
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL)
        try:
            stdout, _ = process.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate(timeout=30)
            return None, f"the generator did not finish within {timeout_s:g} s and was stopped"
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)
    for line in reversed(stdout.decode(errors="replace").splitlines()):
        if line.startswith("{"):
            try:
                return json.loads(line), None
            except json.JSONDecodeError:
                break
    return None, (f"the generator exited with {process.returncode} and printed no JSON: "
                  f"{brokers_module.tail(stderr_path)}")


def write_jsonl(path, record):
    with open(path, "a") as f:
        f.write(json.dumps(record, sort_keys=False) + "\n")


def summary_line(broker, scenario, record):
    if record["status"] != "ok":
        return f"{scenario.id:>17} {broker.label:>9}: {record['status']} {record.get('error') or ''}"
    r = {key: value for key, value in record["result"].items() if value is not None}
    if scenario.kind == "connections":
        return (f"{scenario.id:>17} {broker.label:>9}: {r.get('connections', 0):,} connections, "
                f"{r.get('conn_per_s', 0):,.0f}/s, {record.get('kb_per_connection')} KB each, "
                f"broker CPU {record['broker_cpu_s']:.2f} s, generator CPU {r.get('cpu_s', 0):.2f} s")
    p99 = (r.get("latency_us") or {}).get("p99")
    delivered = r.get("delivered_per_s", r.get("received_per_s", 0))
    acked = (f"{r.get('acked_per_s', 0):,.0f} msg/s acked, acked_lost {r.get('acked_lost', 0):,} "
             f"({r.get('acked_lost_pct', 0):.1f} %), " if scenario.qos > 0 else "")
    return (f"{scenario.id:>17} {broker.label:>9}: {delivered:,.0f} msg/s delivered, {acked}"
            f"{r.get('lost', 0):,} lost, {r.get('duplicates', 0):,} duplicates, p99 {p99} us, "
            f"broker CPU {record['broker_cpu_s']:.2f} s, generator CPU {r.get('cpu_s', 0):.2f} s")


if __name__ == "__main__":
    main()
