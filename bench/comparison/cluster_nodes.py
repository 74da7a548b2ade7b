"""Our broker as nodes of a static cluster on loopback, waiting for the members, and a script's own section of
docs/PERFORMANCE.md between its markers, stopping the run's brokers and keeping its raw lines: what bench/cluster.py,
bench/takeover.py and bench/survival.py share."""

import base64
import json
import re
import shutil
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from comparison import brokers as brokers_module

CLUSTER_SETTINGS = ("`cluster.discovery_strategy=static` with every node as a seed, `cluster.bind=127.0.0.1`, "
                    "each node its own `cluster.port` and `node.name`")


def node(key, mqtt_port, broker_dll, run_dir, cluster=None):
    """Our broker at its defaults; cluster = (this node's cluster port, every seed's port) for a cluster node."""
    broker = brokers_module.ours(mqtt_port, broker_dll, run_dir, key=key, label=key)
    if cluster:
        port, seeds = cluster
        broker.argv += ["--cluster.discovery_strategy=static", "--cluster.name=bench",
                        "--cluster.static.seeds=" + ",".join(f"127.0.0.1:{s}" for s in seeds),
                        "--cluster.bind=127.0.0.1", f"--cluster.port={port}", f"--node.name={key}@127.0.0.1"]
    broker.subdir = key
    return broker


def cluster(keys, base_mqtt_port, base_cluster_port, broker_dll, run_dir):
    """len(keys) nodes, node k on MQTT port base_mqtt_port + k and cluster port base_cluster_port + k, all seeds."""
    seeds = [base_cluster_port + k for k in range(len(keys))]
    return [node(key, base_mqtt_port + k, broker_dll, run_dir, (seeds[k], seeds)) for k, key in enumerate(keys)]


def management_url(broker, timeout_s=60):
    """The management endpoint's address, from the node's log (the harness gives it port 0: any free port)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = re.search(r"Management endpoint listening on (http://\S+)", broker.log_path.read_text(errors="replace"))
        if found:
            return found.group(1)
        time.sleep(0.2)
    sys.exit(f"{broker.label}: no management endpoint in its log within {timeout_s} s")


def api_authorization(broker):
    """The HTTP Basic header of the node's own credential (node.data_dir/ctl_api_key, `data` under its working
    directory), as `broker ctl` sends it: /api/v5 needs credentials."""
    path = broker.log_path.parent / broker.subdir / "data" / "ctl_api_key"
    return "Basic " + base64.b64encode(path.read_text().strip().encode()).decode()


def wait_members_up(broker, count, timeout_s=60):
    """Until the node's GET /cluster/members lists `count` members Up, bounded."""
    url = management_url(broker, timeout_s) + "/cluster/members"
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                members = json.load(answer).get("members", [])
            if sum(1 for m in members if m.get("status") == "Up") >= count:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            sys.exit(f"{broker.label} did not see {count} members Up within {timeout_s} s ({url})")
        time.sleep(0.2)


def stop(brokers, keep_logs=None):
    """Stops the brokers a run started; with keep_logs (a folder), their logs are copied there for a later look."""
    for b in brokers:
        b.stop()
    if keep_logs:
        keep_logs.mkdir(parents=True, exist_ok=True)
        for b in brokers:
            if b.log_path and b.log_path.exists():
                shutil.copy(b.log_path, keep_logs / b.log_path.name)


def save_records(repo, name, run_id, records, quick):
    """The run's raw lines, one JSON object each: bench/results/<name>-<run id>.jsonl, or the temporary directory for a
    quick run (never cited). Returns the file's path."""
    results = repo / "bench/results" if not quick else Path(tempfile.gettempdir())
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"{name}-{run_id}.jsonl"
    with open(path, "w") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
    return path


def write_section(path, begin, end, text, heading):
    """Replaces what is between the markers, or appends the heading and the marked text when the markers are new."""
    doc = path.read_text()
    block = f"{begin}\n{text}\n{end}"
    if begin in doc:
        doc = re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda _: block, doc, flags=re.S)
    else:
        doc += f"\n## {heading}\n\n{block}\n"
    path.write_text(doc)
    print(f"written to {path}")
