#!/usr/bin/env python3
"""What the Prometheus metrics cost the publish path (issue 17): publish throughput and the broker's CPU a message
with the metrics on and scraped, against the same build with them off (`prometheus.enable = false`), and against the
build before the metrics were added (whose connections did not count their bytes and security decisions). Writes the
figures into docs/PERFORMANCE.md between the metrics markers and the raw JSON lines into
bench/results/metrics-<date>.jsonl.

    python3 bench/metrics.py                   # about 15 minutes, the baseline's build included
    python3 bench/metrics.py --quick --no-doc  # smoke run, about 4 minutes: figures printed only

The three brokers are processes of their own, started by this script and stopped by their pids, on loopback and free
ports, each with its defaults (hocon/broker.conf) except the harness's listener settings. The load is compare.py's
fan-in (`broker bench pubsub`, the build measured being the generator): 10 publishers flat out, 1 subscriber on
bench/#, QoS 0 and QoS 1. The brokers take turns in every round, the order rotated each round, so that what else the
machine does falls on all of them alike, and every round starts new broker processes. While "on" is measured, a thread of this script scrapes
/api/v5/prometheus/stats every --scrape-interval seconds (Prometheus' default is 15 s: once a second is harsher).
The baseline is the commit before the metrics, taken with `git archive` into a temporary directory and built there.
"""

import argparse
import contextlib
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from comparison import brokers as brokers_module  # noqa: E402
from comparison import cluster_nodes, machine  # noqa: E402
from comparison.procstat import cpu_seconds  # noqa: E402
from compare import BROKER_DLL, REPO, run_generator  # noqa: E402

MARK_BEGIN, MARK_END = "<!-- metrics:begin -->", "<!-- metrics:end -->"
# The brokers measured, by key: the same build on and off, and the build before the metrics, the reference of the ratios.
BROKERS = [("on", "metrics on, scraped"), ("off", "metrics off"), ("before", "before the metrics")]
HEADING = "Prometheus metrics: what counting and scraping cost (issue 17)"
STATS_PATH = "/api/v5/prometheus/stats"
FAN_IN = ["pubsub", "--pubs", "10", "--subs", "1", "--pub-topic", "bench/%i", "--sub-topic", "bench/#",
          "--rate", "0", "--size", "64", "--version", "4"]
CASES = [("QoS 0", FAN_IN + ["--qos", "0"]), ("QoS 1, 64 in flight a publisher", FAN_IN + ["--qos", "1", "--inflight", "64"])]
SCRAPES_MEASURED = 300
# The file the metrics were added with: the commit before its first one is the baseline.
FIRST_FILE = "src/Broker.Host/Metrics/PrometheusMetrics.cs"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=float, default=10, help="seconds of publishing per case, broker and round")
    p.add_argument("--rounds", type=int, default=6, help="rounds, each broker once per case and round")
    p.add_argument("--scrape-interval", type=float, default=1.0, help="seconds between scrapes of the 'on' broker")
    p.add_argument("--baseline", help="the revision to compare with (default: the commit before the metrics)")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--no-build", action="store_true")
    p.add_argument("--no-doc", action="store_true")
    p.add_argument("--from-jsonl", type=Path, help="write the report of a run already made, from its raw figures")
    return p.parse_args()


def baseline_revision(given):
    if given:
        return given
    first = subprocess.run(["git", "-C", str(REPO), "log", "--diff-filter=A", "--format=%H", "--", FIRST_FILE],
                           capture_output=True, text=True, check=True).stdout.split()
    if not first:
        sys.exit(f"no commit adds {FIRST_FILE}: name the baseline with --baseline")
    return first[-1] + "^"


def build_baseline(revision, tree):
    """The revision's tree, unpacked with git archive (no worktree, the repository untouched), built in Release."""
    tree.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", revision], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    subprocess.run(["dotnet", "build", "-c", "Release", "-v", "q", str(tree / "src/Broker.Host")], check=True)
    dll = tree / "src/Broker.Host/bin/Release/net10.0/broker.dll"
    if not dll.exists():
        sys.exit(f"{dll} is missing after building {revision}")
    return dll


def free_port(taken):
    for port in range(19960, 20960):
        if port not in taken and brokers_module.port_is_free(port):
            taken.add(port)
            return port
    sys.exit("no free port between 19960 and 20960")


def broker(key, label, dll, run_dir, taken, extra):
    port, management = free_port(taken), free_port(taken)
    b = brokers_module.ours(port, dll, run_dir, key=key, label=label)
    # The build before the metrics predates the dashboard listener too, and refuses its key.
    b.argv = [a for a in b.argv if not a.startswith("--management.http.port") and not (key == "before" and a.startswith("--dashboard."))]
    b.argv += [f"--management.http.port={management}", *extra]
    b.management = management
    b.measured = " ".join(extra) or "defaults"
    return b


class Scraper:
    """Scrapes one broker's metrics on a thread, every `interval` seconds, until stopped; keeps each scrape's time."""

    def __init__(self, management_port, interval):
        self._url = f"http://127.0.0.1:{management_port}{STATS_PATH}"
        self._interval = interval
        self._stop = threading.Event()
        self.durations_ms, self.failures = [], 0
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=30)

    def scrape(self):
        started = time.perf_counter()
        with urllib.request.urlopen(self._url, timeout=10) as response:
            body = response.read()
        self.durations_ms.append((time.perf_counter() - started) * 1000)
        return body.decode()

    def _run(self):
        while not self._stop.wait(self._interval):
            try:
                self.scrape()
            except OSError:
                self.failures += 1


def seconds(args):
    return 3 if args.quick else args.seconds


def measure(b, case_args, args, generator, run_dir, scrape_interval):
    duration = seconds(args)
    argv = generator + ["bench"] + case_args + ["--host", "127.0.0.1", "--port", str(b.port),
                                                "--duration", f"{duration:g}s", "--drain", "2s"]
    cpu_before = cpu_seconds(b.pid)
    scraper = Scraper(b.management, scrape_interval) if scrape_interval else None
    if scraper:
        with scraper:
            result, error = run_generator(argv, run_dir / f"{b.key}.stderr", duration + 60)
    else:
        result, error = run_generator(argv, run_dir / f"{b.key}.stderr", duration + 60)
    cpu = cpu_seconds(b.pid) - cpu_before
    record = {"type": "case", "broker": b.key, "command": argv, "result": result, "error": error,
              "broker_cpu_s": round(cpu, 3)}
    if scraper:
        record.update(scrapes=len(scraper.durations_ms), scrape_failures=scraper.failures,
                      scrape_ms=[round(d, 2) for d in scraper.durations_ms])
    return record


def start_and_warm_up(measured, generator, run_dir):
    """New processes, with empty data directories, every round: one process's luck (where its code and heap landed)
    moved a broker's CPU a message by up to a tenth against another process of the same build, so each round's
    processes are new. Warm-up, not recorded: JIT and the first connections; the scraped broker is scraped 20 times
    a second meanwhile, so that the scrape's code is compiled before it is measured (a one-time cost, not a steady one)."""
    for b, _ in measured:
        b.start(run_dir)
    for b, _ in measured:
        b.wait_ready()
    for b, interval in measured:
        with Scraper(b.management, 0.05) if interval else contextlib.nullcontext():
            for _, case_args in CASES:
                run_generator(generator + ["bench"] + case_args + ["--host", "127.0.0.1", "--port", str(b.port),
                                                                  "--duration", "2s", "--drain", "1s"],
                              run_dir / f"warmup-{b.key}.stderr", 60)
    time.sleep(3)  # the tiered JIT's background recompilation of what the warm-up ran


def scrape_cost(b):
    """The broker's CPU for one scrape, idle (no client) and after the scrape's code was compiled: what a scrape
    costs whatever the load, as CPU time of the broker's process over SCRAPES_MEASURED scrapes in a row."""
    scraper = Scraper(b.management, 0)
    for _ in range(100):
        scraper.scrape()
    time.sleep(3)  # the tiered JIT's background recompilation
    before = cpu_seconds(b.pid)
    for _ in range(SCRAPES_MEASURED):
        sample = scraper.scrape()
    return sample, round((cpu_seconds(b.pid) - before) * 1000 / SCRAPES_MEASURED, 3)


def rate(record):
    r = record.get("result") or {}
    return r.get("delivered_per_s") or r.get("received_per_s")


def cpu_us_per_message(record):
    r = record.get("result") or {}
    delivered = r.get("delivered") or r.get("received")
    return record["broker_cpu_s"] * 1e6 / delivered if delivered else None


def main():
    args = parse_args()
    if args.from_jsonl:
        records = [json.loads(line) for line in args.from_jsonl.read_text().splitlines()]
        publish(records, args, args.from_jsonl.resolve())
        return
    if args.quick:
        args.rounds = min(args.rounds, 2)
    brokers_module.ensure_release_build(REPO, BROKER_DLL, args.no_build)
    revision = baseline_revision(args.baseline)
    described = subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%h %s", revision],
                               capture_output=True, text=True, check=True).stdout.strip()
    now = datetime.now(timezone.utc)
    run_id = now.strftime("%Y-%m-%dT%H%M%SZ")
    generator = ["env", "DOTNET_TieredCompilation=0", "dotnet", str(BROKER_DLL)]
    with tempfile.TemporaryDirectory(prefix="broker-metrics-bench-") as tmp:
        run_dir = Path(tmp)
        baseline_dll = build_baseline(revision, run_dir / "baseline")
        taken = set()
        labels = dict(BROKERS)
        measured = [
            (broker("on", labels["on"], BROKER_DLL, run_dir, taken, []), args.scrape_interval),
            (broker("off", labels["off"], BROKER_DLL, run_dir, taken, ["--prometheus.enable=false"]), 0),
            (broker("before", labels["before"], baseline_dll, run_dir, taken, []), 0),
        ]
        records = [{"type": "run", "run": run_id, "date": now.strftime("%Y-%m-%d %H:%M UTC"),
                    "command": "python3 bench/metrics.py " + " ".join(sys.argv[1:]), "baseline": described,
                    "machine": machine.describe(0),
                    "brokers": {b.key: {"argv": b.argv, "measured": b.measured} for b, _ in measured}}]
        for r in range(args.rounds):
            try:
                start_and_warm_up(measured, generator, run_dir)
                order = measured[r % len(measured):] + measured[:r % len(measured)]
                for label, case_args in CASES:
                    for b, interval in order:
                        record = measure(b, case_args, args, generator, run_dir, interval)
                        record.update(run=run_id, round=r + 1, case=label)
                        records.append(record)
                        print(f"round {r + 1}, {label}, {b.label}: {rate(record) or 0:,.0f} msg/s, "
                              f"{cpu_us_per_message(record) or 0:.2f} us CPU a message"
                              + (f", {record['scrapes']} scrapes" if "scrapes" in record else ""))
                if r == args.rounds - 1:
                    sample, scrape_cpu_ms = scrape_cost(measured[0][0])
                    records.append({"type": "scrape_cost", "broker": "on", "scrapes": SCRAPES_MEASURED,
                                    "cpu_ms_per_scrape": scrape_cpu_ms, "bytes": len(sample)})
            finally:
                for b, _ in measured:
                    b.stop()
                    shutil.rmtree(run_dir / b.subdir, ignore_errors=True)
    with open("/proc/loadavg") as f:
        records.append({"type": "end", "load_average_at_end": " ".join(f.read().split()[:3])})
    jsonl = cluster_nodes.save_records(REPO, "metrics", run_id, records, args.quick)
    print(f"raw figures: {jsonl}")
    publish(records, args, jsonl)


def publish(records, args, jsonl):
    text = report(records, args, jsonl)
    if args.no_doc or args.quick:
        print(text)
    else:
        write_section(REPO / "docs/PERFORMANCE.md", text)


def write_section(path, text):
    """Between the markers, or a new section before "Journal" the first time."""
    doc = path.read_text()
    if MARK_BEGIN not in doc:
        anchor = "## Journal"
        block = f"## {HEADING}\n\n{MARK_BEGIN}\n{MARK_END}\n\n"
        doc = doc.replace(anchor, block + anchor, 1) if anchor in doc else doc + "\n" + block
        path.write_text(doc)
    cluster_nodes.write_section(path, MARK_BEGIN, MARK_END, text, HEADING)


def report(records, args, jsonl):
    run = records[0]
    shown = jsonl.relative_to(REPO) if jsonl.is_relative_to(REPO) else jsonl
    cases = [r for r in records if r["type"] == "case"]
    lines = [
        f"Run {run['run']}, `{run['command'].strip()}` (raw figures in `{shown}`).",
        "",
        f"Fan-in as compare.py's scenarios 1 and 2 (MQTT 3.1.1, 10 publishers flat out on bench/0..9, 1 subscriber on "
        f"bench/#, 64-byte payloads), {seconds(args):g} s a case, broker and round, {args.rounds} rounds, the brokers' "
        f"order rotated each round, each round with new broker processes (warmed up first). Three brokers: this build with the metrics on and /api/v5/prometheus/stats scraped "
        f"every {args.scrape_interval:g} s during its runs (and 20 times a second during its warm-up, so that the scrape's "
        f"code was compiled before); this build with `prometheus.enable = false`; and the build "
        f"before the metrics ({run['baseline']}), whose connections did not count bytes and security decisions. "
        f"Medians over the rounds. The ratios are to the build before the metrics, taken within each round (the "
        f"brokers of a round ran a minute apart at most, so a change of the machine's load falls on all three) and "
        f"then their median, with the lowest and highest round in brackets: below 1, slower or, for the CPU, cheaper. "
        f"'metrics off' over 'before' is what the counting itself costs; 'metrics on, scraped' over 'before' is the "
        f"whole feature.",
        "",
        "| case | broker | delivered msg/s | ratio to before | broker CPU a message, us | ratio to before |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for label, _ in CASES:
        mine = {key: {r["round"]: r for r in cases if r["case"] == label and r["broker"] == key} for key, _ in BROKERS}
        for key, name in BROKERS:
            rows = mine[key]
            rates = [x for x in map(rate, rows.values()) if x]
            cpus = [x for x in map(cpu_us_per_message, rows.values()) if x]
            rate_ratios = paired(rows, mine["before"], rate)
            cpu_ratios = paired(rows, mine["before"], cpu_us_per_message)
            lines.append(f"| {label} | {name} | {statistics.median(rates) if rates else 0:,.0f} | {spread(rate_ratios)} | "
                         f"{statistics.median(cpus) if cpus else 0:.3f} | {spread(cpu_ratios)} |")
    cost = next(r for r in records if r["type"] == "scrape_cost")
    scrapes = [d for r in cases if r["broker"] == "on" for d in r.get("scrape_ms", [])]
    failures = sum(r.get("scrape_failures", 0) for r in cases)
    lines += [
        "",
        f"Scrapes of the 'on' broker under load: {len(scrapes)}, {failures} failed; time to the whole answer "
        f"p50 {statistics.median(scrapes) if scrapes else 0:.2f} ms, max {max(scrapes) if scrapes else 0:.2f} ms "
        f"({cost['bytes']:,} bytes, read by this script on the same 2 cores). What one scrape costs the "
        f"broker, measured apart (idle, no client, after 100 scrapes to compile their code; its process's CPU time over "
        f"{cost['scrapes']} scrapes in a row): {cost['cpu_ms_per_scrape']:.2f} ms of CPU, so "
        f"{cost['cpu_ms_per_scrape'] / 15000 * 100:.3f} % of one core at Prometheus' default interval (15 s) and "
        f"{cost['cpu_ms_per_scrape'] / 1000 * 100:.2f} % at one scrape a second.",
        "",
        f"Machine: {run['machine']['cpu']}, {run['machine']['nproc']} cores shared by the three brokers (two idle at a "
        f"time), the generator and the scraper, and with whatever else ran on it: load average {run['machine']['load_average_at_start']} "
        f"at the start, {records[-1]['load_average_at_end']} at the end.",
    ]
    return "\n".join(lines)


def paired(rows, off_rows, figure):
    """The figure of each round over the metrics-off broker's in the same round."""
    ratios = []
    for round_number, row in rows.items():
        mine, theirs = figure(row), figure(off_rows[round_number]) if round_number in off_rows else None
        if mine and theirs:
            ratios.append(mine / theirs)
    return ratios


def spread(ratios):
    return f"{statistics.median(ratios):.3f} [{min(ratios):.3f}, {max(ratios):.3f}]" if ratios else "–"


if __name__ == "__main__":
    main()
