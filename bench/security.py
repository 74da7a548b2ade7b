#!/usr/bin/env python3
"""What security costs (issue 16): the CONNECT rate with each authenticator (the built-in database, JWT, an HTTP
service, TLS with and without client certificates) beside anonymous clients in the same run, and the publish
throughput with an ACL of 1,000 rules beside none; mosquitto with a password file, TLS and an ACL file as the
external peer. Writes the figures into docs/PERFORMANCE.md between the security markers and the raw JSON lines into
bench/results/security-<date>.jsonl.

    python3 bench/security.py                   # about 8 minutes
    python3 bench/security.py --quick --no-doc  # smoke run, well under a minute: figures printed only

Each configuration is a broker process of its own, started by this script and stopped by its pid, on loopback and
free ports. Our broker runs with its defaults (hocon/broker.conf) except the harness's listener settings
(brokers.ours) and the configuration measured, given in a file (`-c`) or on the command line and named beside the
figures. The clients are this script's own (bench/comparison/security_load.py, asyncio, MQTT 5); the certificates
come from the openssl CLI, the tokens are HS256 made with hmac, and the HTTP authentication service is python's
ThreadingHTTPServer in a process of its own. Needs the .NET SDK, openssl, mosquitto and mosquitto_passwd.
"""

import argparse
import asyncio
import os
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from comparison import brokers as brokers_module  # noqa: E402
from comparison import cluster_nodes, machine  # noqa: E402
from comparison import security_load as load  # noqa: E402
from comparison import security_material as material  # noqa: E402
from comparison.procstat import cpu_seconds  # noqa: E402
from compare import BROKER_DLL, REPO  # noqa: E402

MARK_BEGIN, MARK_END = "<!-- security:begin -->", "<!-- security:end -->"
HEADING = "Security: CONNECT rate and ACL cost"
CLIENT_CERTS = 16
PUBLISHERS = 8
FRIENDLY_TOPICS, HOSTILE_TOPICS = 4, 100


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--clients", type=int, default=2000, help="clients measured per configuration (default 2,000)")
    p.add_argument("--warmup", type=int, default=300, help="clients per configuration before, not counted")
    p.add_argument("--concurrency", type=int, default=50, help="clients connecting at a time (default 50)")
    p.add_argument("--connect-limit", type=float, default=60, help="seconds at most per configuration and round")
    p.add_argument("--seconds", type=float, default=6, help="seconds of publishing per case, broker and round")
    p.add_argument("--rounds", type=int, default=2, help="rounds, the order of the brokers reversed in every other")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--no-build", action="store_true")
    p.add_argument("--no-doc", action="store_true")
    p.add_argument("--keep-logs", type=Path, help="copy the brokers' logs into this directory")
    p.add_argument("--serve-http-auth", type=int, help=argparse.SUPPRESS)  # the HTTP service's own process
    return p.parse_args()


_next_port = [19930]


def free_port():
    """The next free port from 19930 on: below the kernel's ephemeral range, where the management endpoints' port 0
    and the clients' sockets take theirs, so that no broker's listener loses its port to another's."""
    while _next_port[0] < 20930:
        port = _next_port[0]
        _next_port[0] += 1
        if brokers_module.port_is_free(port):
            return port
    sys.exit("no free port between 19930 and 20930")


@dataclass
class Target:
    """One configuration measured: the broker process, the port its clients use, and who they are."""
    key: str
    label: str
    broker: brokers_module.Broker
    port: int
    identity: callable            # index or "probe" -> (client id, username, password)
    tls_for: callable = None      # client id -> ssl context, for a TLS port
    peer: str = ""                # the key of the target its ratio is to


def ours(key, label, run_dir, settings, config_text="", extra_argv=()):
    broker = brokers_module.ours(free_port(), BROKER_DLL, run_dir, key=key, label=label)
    if config_text:
        path = run_dir / f"{key}.conf"
        path.write_text(config_text)
        broker.argv[2:2] = ["-c", str(path)]
        broker.config_text = config_text
    broker.argv += list(extra_argv)
    broker.measured = settings
    return broker


def mosquitto(key, run_dir, extra_lines, anonymous=True):
    folder = run_dir / key
    folder.mkdir(exist_ok=True)
    broker = brokers_module.mosquitto(free_port(), folder)
    path = folder / "mosquitto.conf"
    text = broker.config_text + "".join(line + "\n" for line in extra_lines)
    if not anonymous:
        text = text.replace("allow_anonymous true", "allow_anonymous false")
    path.write_text(text)
    broker.key, broker.label, broker.config_text, broker.measured = key, key, text, []
    return broker


# --- the CONNECT configurations ---

def connect_targets(run_dir, users, certs, http_port):
    ca, (server_cert, server_key) = certs["ca"], certs["server"]
    plain = load.tls_context(ca)
    mutual = [load.tls_context(ca, c) for c in certs["clients"]]

    def mutual_for(client_id):
        return mutual[zlib.crc32(client_id.encode()) % len(mutual)]

    def anonymous(tag):
        return lambda i: (f"sec-{tag}-{i}", None, None)

    def with_password(tag):
        return lambda i: (f"sec-{tag}-{i}", users(i), material.PASSWORD)

    tokens = {}

    def with_token(i):
        if i not in tokens:
            tokens[i] = material.jwt_hs256(users(i))
        return f"sec-jwt-{i}", users(i), tokens[i]

    csv = material.users_csv(run_dir / "users.csv", [users(i) for i in users.all])
    ssl_argv = ["--listeners.ssl.enabled=true", "--listeners.ssl.bind=127.0.0.1", f"--listeners.ssl.certfile={server_cert}",
                f"--listeners.ssl.keyfile={server_key}"]
    tls_port, mtls_port = free_port(), free_port()
    mtls_argv = [f"--listeners.ssl.cacertfile={ca}", "--listeners.ssl.verify=verify_peer",
                 "--listeners.ssl.fail_if_no_peer_cert=true", "--mqtt.peer_cert_as_username=cn"]
    db_conf = f'authentication = [ {{ mechanism = password_based, backend = built_in_database, bootstrap_file = "{csv}" }} ]\n'
    jwt_conf = f'authentication = [ {{ mechanism = jwt, secret = "{material.JWT_SECRET}" }} ]\n'
    http_conf = (f'authentication = [ {{ mechanism = password_based, backend = http, '
                 f'url = "http://127.0.0.1:{http_port}/auth" }} ]\n')
    b = {
        "anonymous": ours("ours-anonymous", "anonymous", run_dir, ["none: `authentication = []` (the default)"]),
        "built_in_database": ours("ours-db", "built-in database", run_dir, [
            f"`{db_conf.strip()}`: one user per client (the users CSV, `bootstrap_type = plain`, hashed at start), "
            "password hashing the default pbkdf2, sha256, 4,096 iterations (EMQX's)"], db_conf),
        "jwt": ours("ours-jwt", "JWT", run_dir, [
            "`authentication = [ { mechanism = jwt, secret = \"<43 characters>\" } ]` (HS256; the token, one per "
            "client, in the password field, with a username and an exp claim)"], jwt_conf),
        "http": ours("ours-http", "HTTP", run_dir, [
            f"`{http_conf.strip()}` (method post, pool_size 8: the defaults); the service, python's "
            "ThreadingHTTPServer in a process of its own on this machine, answers 200 `{\"result\": \"allow\"}` "
            "to every request"], http_conf),
        "tls": ours("ours-tls", "TLS, no client certificate", run_dir, [
            "`listeners.ssl.enabled=true`, `listeners.ssl.bind=127.0.0.1`, the run's port, `certfile`/`keyfile` an "
            "EC P-256 certificate for localhost signed by the run's CA; `verify = verify_none` (the default); no "
            "authenticator"], extra_argv=ssl_argv + [f"--listeners.ssl.port={tls_port}"]),
        "mtls": ours("ours-mtls", "mTLS (client certificate)", run_dir, [
            "the TLS listener above with `cacertfile` the run's CA, `verify = verify_peer`, "
            f"`fail_if_no_peer_cert = true`, `mqtt.peer_cert_as_username = cn`; {CLIENT_CERTS} client certificates "
            "(EC P-256, CN device-<k>), each client presenting one of them; no authenticator"],
            extra_argv=ssl_argv + [f"--listeners.ssl.port={mtls_port}"] + mtls_argv),
    }
    m_tls, m_mtls = free_port(), free_port()
    m_tls_lines = [f"certfile {server_cert}", f"keyfile {server_key}"]
    m_anon = mosquitto("mosquitto-anonymous", run_dir, [
        f"listener {m_tls} 127.0.0.1", *m_tls_lines,
        f"listener {m_mtls} 127.0.0.1", *m_tls_lines, f"cafile {ca}", "require_certificate true",
        "use_identity_as_username true"])
    passwords = material.mosquitto_password_file(run_dir / "mosquitto-passwd", [users(i) for i in users.all])
    m_passwd = mosquitto("mosquitto-password-file", run_dir, [f"password_file {passwords}"], anonymous=False)
    targets = [
        Target("anonymous", "anonymous", b["anonymous"], b["anonymous"].port, anonymous("anon")),
        Target("built_in_database", "built-in database (pbkdf2)", b["built_in_database"], b["built_in_database"].port,
               with_password("db"), peer="anonymous"),
        Target("jwt", "JWT (HS256)", b["jwt"], b["jwt"].port, with_token, peer="anonymous"),
        Target("http", "HTTP service", b["http"], b["http"].port, with_password("http"), peer="anonymous"),
        Target("tls", "TLS, no client certificate", b["tls"], tls_port, anonymous("tls"), lambda _: plain,
               peer="anonymous"),
        Target("mtls", "mTLS, CN as username", b["mtls"], mtls_port, anonymous("mtls"), mutual_for, peer="anonymous"),
        Target("m_anonymous", "mosquitto, anonymous", m_anon, m_anon.port, anonymous("m-anon")),
        Target("m_password", "mosquitto, password file (its default sha512-pbkdf2)", m_passwd, m_passwd.port,
               with_password("m-pw"), peer="m_anonymous"),
        Target("m_tls", "mosquitto, TLS, no client certificate", m_anon, m_tls, anonymous("m-tls"), lambda _: plain,
               peer="m_anonymous"),
        Target("m_mtls", "mosquitto, mTLS (`use_identity_as_username true`)", m_anon, m_mtls, anonymous("m-mtls"),
               mutual_for, peer="m_anonymous"),
    ]
    return targets


# --- the publish configurations ---

def publisher_names():
    return [f"pub-{k}" for k in range(PUBLISHERS)]


def publish_targets(run_dir):
    names = publisher_names()
    acl, emqx_rules = material.emqx_acl(run_dir / "acl.conf", names)
    acl_conf = f'authorization {{ no_match = deny, sources = [ {{ type = file, path = "{acl}" }} ] }}\n'
    m_acl, m_rules = material.mosquitto_acl(run_dir / "mosquitto.acl", names)
    none = ours("ours-no-acl", "no ACL", run_dir, ["none: `authorization.sources = []`, `no_match = allow` (the "
                                                    "defaults)"])
    with_acl = ours("ours-acl", "ACL", run_dir, [
        f"`{acl_conf.strip()}`: {emqx_rules} rules, {emqx_rules - PUBLISHERS - 1} of them `{{allow, {{username, "
        "\"device-<i>\"}, publish, [\"plant/<i>/#\"]}` for other users, then one `{allow, {username, \"pub-<k>\"}, "
        "publish, [\"bench/pub-<k>/#\"]}` per publisher, then `{deny, all}`: the other users' rules, which each "
        "publisher's connection leaves out at CONNECT; the authorization cache as shipped (enable, max_size 32, ttl 1m)"], acl_conf)
    m_none = mosquitto("mosquitto-no-acl", run_dir, [])
    m_with = mosquitto("mosquitto-acl", run_dir, [f"acl_file {m_acl}"])
    m_with.measured = [
        f"`acl_file` of {m_rules} `user` blocks of one `topic write` each, the same rules (mosquitto denies what "
        "matches none; it finds the client's own block at CONNECT)"]
    anonymous = lambda i: (f"sec-probe-{i}", "probe", None)  # noqa: E731
    return [Target("no_acl", "ours, no ACL", none, none.port, anonymous),
            Target("acl", "ours, ACL of 1,000 rules", with_acl, with_acl.port, anonymous, peer="no_acl"),
            Target("m_no_acl", "mosquitto, no ACL", m_none, m_none.port, anonymous),
            Target("m_acl", "mosquitto, ACL of 1,000 rules", m_with, m_with.port, anonymous, peer="m_no_acl")]


def topics_of(count):
    return lambda name: [f"bench/{name}/t/{j}" for j in range(count)]


# --- running ---

def start(brokers, run_dir, targets, timeout_s=120):
    for b in brokers:
        b.start(run_dir)
    deadline = time.monotonic() + timeout_s
    for t in targets:
        last = None
        while True:
            if t.broker.process.poll() is not None:
                raise RuntimeError(f"{t.broker.label} exited with {t.broker.process.returncode}: "
                                   f"{brokers_module.tail(t.broker.log_path, 15, 3000)}")
            try:
                asyncio.run(probe(t))
                break
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ConnectionError) as e:
                last = e
            if time.monotonic() > deadline:
                raise RuntimeError(f"{t.label}: no CONNACK 0 within {timeout_s} s: {last!r}; "
                                   f"{brokers_module.tail(t.broker.log_path, 15, 3000)}")
            time.sleep(0.3)


def readable(run_dir):
    """mosquitto, started as root, reads its files as the user mosquitto: the run's throwaway keys and lists too."""
    for folder, _, files in os.walk(run_dir):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)


async def probe(target):
    """One client of the target's connects, is answered CONNACK 0 and leaves."""
    client_id, username, password = target.identity("probe")
    tls = target.tls_for(client_id) if target.tls_for else None
    _, writer, _, _, _ = await load.open_mqtt(target.port, client_id, username, password, tls, 5)
    writer.write(load.disconnect_packet())
    writer.close()


def percentile(values, q):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


def measure_connects(targets, args, records):
    """Warm-up, then `rounds` rounds of clients/rounds clients each, the order of the targets reversed every other."""
    per_round = max(1, args.clients // args.rounds)
    totals = {t.key: {"connected": 0, "seconds": 0.0, "connack_s": [], "total_s": [], "failed": 0, "failures": [],
                      "cpu_s": 0.0, "timed_out": False} for t in targets}
    for t in targets:
        ids = [t.identity(i) for i in range(args.warmup)]
        asyncio.run(load.connect_rate(t.port, ids, args.concurrency, args.connect_limit, t.tls_for))
    for r in range(args.rounds):
        order = targets if r % 2 == 0 else targets[::-1]
        for t in order:
            first = args.warmup + r * per_round
            ids = [t.identity(i) for i in range(first, first + per_round)]
            cpu_before = cpu_seconds(t.broker.pid)
            got = asyncio.run(load.connect_rate(t.port, ids, args.concurrency, args.connect_limit, t.tls_for))
            total = totals[t.key]
            total["cpu_s"] += cpu_seconds(t.broker.pid) - cpu_before
            for k in ("connected", "seconds", "failed"):
                total[k] += got[k]
            total["connack_s"] += got["connack_s"]
            total["total_s"] += got["total_s"]
            total["failures"] += got["failures"][:5]
            total["timed_out"] |= got["timed_out"]
            print(f"round {r + 1} {t.label:>50}: {got['connected'] / got['seconds']:8.0f} connects/s, "
                  f"{got['failed']} failed", flush=True)
    figures = {}
    for t in targets:
        total = totals[t.key]
        ms = lambda values, q: round(percentile(values, q) * 1000, 2) if values else None  # noqa: E731
        figures[t.key] = {
            "label": t.label, "peer": t.peer, "connected": total["connected"], "failed": total["failed"],
            "failures": total["failures"][:10], "timed_out": total["timed_out"], "seconds": round(total["seconds"], 3),
            "per_s": round(total["connected"] / total["seconds"], 1) if total["seconds"] else None,
            "connack_ms": {"p50": ms(total["connack_s"], 50), "p99": ms(total["connack_s"], 99)},
            "total_ms": {"p50": ms(total["total_s"], 50), "p99": ms(total["total_s"], 99)},
            "broker_cpu_us_per_connect": round(total["cpu_s"] / total["connected"] * 1e6, 1) if total["connected"] else None,
        }
        records.append({"type": "connect", "target": t.key, **figures[t.key], "harness": t.broker.settings,
                        "measured": t.broker.measured})
    return figures


def measure_publishes(targets, args, records):
    names = publisher_names()
    checks = {}
    for t in targets:
        allowed = asyncio.run(load.check_publish(t.port, "sec-check-allowed", names[0], f"bench/{names[0]}/t/0"))
        denied = asyncio.run(load.check_publish(t.port, "sec-check-other", names[0], "plant/0/t"))
        checks[t.key] = {"allowed_topic_code": allowed, "other_topic_code": denied}
    records.append({"type": "acl_check", **checks})
    for t in targets:
        records.append({"type": "publish_target", "target": t.key, "label": t.label, "harness": t.broker.settings,
                        "measured": t.broker.measured})
    print(f"ACL check (PUBACK reason codes): {checks}", flush=True)
    warmup_s = min(2.0, args.seconds)
    for t in targets:
        for qos in (0, 1):
            asyncio.run(load.publishers(t.port, qos, names, topics_of(HOSTILE_TOPICS), warmup_s, f"warm-{t.key}"))
    figures = {}
    cases = [(qos, topics) for topics in (FRIENDLY_TOPICS, HOSTILE_TOPICS) for qos in (0, 1)]
    for qos, topics in cases:
        totals = {t.key: {"messages": 0, "seconds": 0.0, "cpu_s": 0.0, "codes": {}} for t in targets}
        for r in range(args.rounds):
            for t in (targets if r % 2 == 0 else targets[::-1]):
                cpu_before = cpu_seconds(t.broker.pid)
                rate, messages, elapsed, codes = asyncio.run(load.publishers(
                    t.port, qos, names, topics_of(topics), args.seconds, f"{t.key}-q{qos}-{topics}-{r}"))
                total = totals[t.key]
                total["cpu_s"] += cpu_seconds(t.broker.pid) - cpu_before
                total["messages"] += messages
                total["seconds"] += elapsed
                for code, count in codes.items():
                    total["codes"][code] = total["codes"].get(code, 0) + count
                print(f"round {r + 1} QoS {qos}, {topics:3} topics each, {t.label:>32}: {rate:9.0f} msg/s "
                      f"{codes or ''}", flush=True)
        for t in targets:
            total = totals[t.key]
            key = f"qos{qos}-{topics}"
            figures.setdefault(key, {})[t.key] = {
                "per_s": round(total["messages"] / total["seconds"], 1), "messages": total["messages"],
                "seconds": round(total["seconds"], 3),
                "broker_cpu_us_per_message": round(total["cpu_s"] / total["messages"] * 1e6, 2),
                "puback_codes": {f"{c:#04x}": n for c, n in total["codes"].items()}}
            records.append({"type": "publish", "qos": qos, "topics_per_publisher": topics, "target": t.key,
                            **figures[key][t.key]})
    return figures, checks


def main():
    args = parse_args()
    if args.serve_http_auth:
        material.serve_http_auth(args.serve_http_auth)
        return
    if args.quick:
        args.clients, args.warmup, args.rounds = min(args.clients, 200), min(args.warmup, 50), 1
        args.concurrency, args.seconds, args.connect_limit = min(args.concurrency, 20), 1, 15
    brokers_module.ensure_release_build(REPO, BROKER_DLL, args.no_build)
    limit = brokers_module.raise_open_files_limit(4 * args.concurrency + 1024)
    run_id = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H%M%SZ")
    records = [{"type": "run", "run_id": run_id, "clients": args.clients, "warmup": args.warmup,
                "concurrency": args.concurrency, "rounds": args.rounds, "publish_seconds": args.seconds,
                "publishers": PUBLISHERS, "machine": machine.describe(limit)}]
    with tempfile.TemporaryDirectory(prefix="broker-security-bench-") as tmp:
        run_dir = Path(tmp)
        count = args.warmup + args.clients + 1

        def users(i):
            return f"user-{i}"
        users.all = ["probe", *range(count)]
        certs = material.certificates(run_dir / "certs", [f"device-{k}" for k in range(CLIENT_CERTS)])
        http_port = free_port()
        http_log = run_dir / "http-auth.log"
        http_service = material.start_http_auth(Path(__file__).resolve(), http_port, http_log)
        http_cpu_before = None
        targets = connect_targets(run_dir, users, certs, http_port)
        readable(run_dir)
        brokers = list({id(t.broker): t.broker for t in targets}.values())
        argv = {}
        try:
            started = time.monotonic()
            start(brokers, run_dir, targets)
            print(f"{len(brokers)} brokers up in {time.monotonic() - started:.1f} s", flush=True)
            http_cpu_before = cpu_seconds(http_service.pid)
            connects = measure_connects(targets, args, records)
            http_cpu = cpu_seconds(http_service.pid) - http_cpu_before
        finally:
            argv.update({b.key: [a.replace(str(run_dir), "<tmp>") for a in b.argv] for b in brokers})
            cluster_nodes.stop(brokers, args.keep_logs)
            answered = material.stop_http_auth(http_service, http_log)
        records.append({"type": "http_service", "answered": answered, "cpu_s": round(http_cpu, 3)})
        failed = [t for t in targets if connects[t.key]["failed"]]
        if failed:
            records.append({"type": "broker_logs", **{t.key: brokers_module.tail(t.broker.log_path, 20, 4000)
                                                      for t in failed}})
        targets = publish_targets(run_dir)
        readable(run_dir)
        brokers = [t.broker for t in targets]
        try:
            start(brokers, run_dir, targets)
            publishes, checks = measure_publishes(targets, args, records)
        finally:
            argv.update({b.key: [a.replace(str(run_dir), "<tmp>") for a in b.argv] for b in brokers})
            cluster_nodes.stop(brokers, args.keep_logs)
        records[0]["brokers"] = argv
    jsonl = cluster_nodes.save_records(REPO, "security", run_id, records, args.quick)
    print(f"raw figures: {jsonl}")
    text = report(records, connects, publishes, checks, args, run_id, jsonl)
    if args.no_doc or args.quick:
        print(text)
    else:
        write_section(REPO / "docs/PERFORMANCE.md", text)


def write_section(path, text):
    """Between the markers, or a new section before "Sessions in a cluster" the first time."""
    doc = path.read_text()
    if MARK_BEGIN not in doc:
        anchor = "## Journal"  # at the end of "Connection rate"
        block = f"### {HEADING} (issue 16)\n\n{MARK_BEGIN}\n{MARK_END}\n\n"
        doc = doc.replace(anchor, block + anchor, 1) if anchor in doc else doc + "\n" + block
        path.write_text(doc)
    cluster_nodes.write_section(path, MARK_BEGIN, MARK_END, text, HEADING)


# --- the report ---

def report(records, connects, publishes, checks, args, run_id, jsonl):
    run = records[0]
    http = next(r for r in records if r["type"] == "http_service")
    shown = jsonl.relative_to(REPO) if jsonl.is_relative_to(REPO) else jsonl

    def ratio(value, peer):
        return f"{value / peer:.2f}" if value and peer else "n/a"

    def cell(value, digits=0):
        return f"{value:,.{digits}f}" if value is not None else "n/a"

    lines = [
        f"Run {run_id}, `python3 bench/security.py`{' --quick' if args.quick else ''} (raw figures in `{shown}`).",
        "",
        f"**CONNECT rate.** For each configuration, {args.warmup} clients first (not counted), then {args.clients:,} "
        f"in {args.rounds} round{'s' if args.rounds > 1 else ''}, the configurations in turn and in reverse order every other round, each round "
        f"bounded to {args.connect_limit:g} s; {args.concurrency} clients at a time, each as an ordinary device: a "
        "new TCP connection (and TLS handshake, no session resumption), CONNECT (MQTT 5, clean start, no session "
        "expiry, its own client id; with a username and password where the configuration needs one, each client "
        "its own user), CONNACK, DISCONNECT, close. Connects a second: clients answered CONNACK 0 over the rounds' "
        "time; the ratio is to anonymous clients of the same broker in the same run (below 1: slower). CONNACK "
        "latency: from CONNECT written to CONNACK read; \"with handshake\" from the start of the TCP connection. "
        "Broker CPU: its process's user + system time over the measured rounds, a connect.",
        "",
        "| configuration | connects/s | ratio to anonymous | CONNACK p50 / p99, ms | with handshake p50 / p99, ms "
        "| broker CPU a connect, us | failed |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for key, f in connects.items():
        peer = connects.get(f["peer"], {}).get("per_s") if f["peer"] else None
        failed = f"{f['failed']}" + (" (the time limit ended the run)" if f["timed_out"] else "")
        lines.append(f"| {f['label']} | {cell(f['per_s'])} | {ratio(f['per_s'], peer) if peer else '1'} | "
                     f"{cell(f['connack_ms']['p50'], 2)} / {cell(f['connack_ms']['p99'], 2)} | "
                     f"{cell(f['total_ms']['p50'], 2)} / {cell(f['total_ms']['p99'], 2)} | "
                     f"{cell(f['broker_cpu_us_per_connect'])} | {failed} |")
    failures = [(f["label"], f["failures"][:2]) for f in connects.values() if f["failed"]]
    if failures:
        lines += ["", "Failures, first of each: " + "; ".join(f"{label}: `{'; '.join(fs)}`" for label, fs in failures)]
    lines += [
        "",
        (f"The HTTP service answered {http['answered']:,} requests" if http["answered"] is not None else
         "The HTTP service (its count missing) answered")
        + f" (the warm-up and probes included) with {http['cpu_s']:.2f} s of CPU of its own, on the same 2 cores.",
        "",
        f"**Publish throughput with an ACL.** {PUBLISHERS} publishers (MQTT 5, each its own username `pub-<k>`, no "
        "authentication), no subscriber: every message goes through the ACL check and the route lookup and then "
        "nowhere, so the check's share of the broker's work is the largest it can be. Each publisher writes to "
        f"topics `bench/pub-<k>/t/<j>` of its own in turn: {FRIENDLY_TOPICS} each (the authorization cache, 32 "
        f"decisions per client, holds them all: cache-friendly) or {HOSTILE_TOPICS} each (in turn, so the least "
        "recently used decision is always the one needed next: every check misses the cache and reads the rules). "
        "QoS 0: written flat out (64-byte payload), then a PINGREQ, the time ending at its PINGRESP (read after "
        "every PUBLISH before it); QoS 1: the broker's Receive Maximum (at most 32) unacknowledged per publisher, "
        "counted "
        f"at PUBACK. {args.seconds:g} s per case, broker and round, {args.rounds} round(s), the brokers' order "
        "reversed every other, "
        "after 2 s of warm-up; messages a second over all rounds.",
        "",
        "| case | ours, no ACL, msg/s | ours, ACL, msg/s | ratio | broker CPU a message, us, no ACL / ACL | "
        "mosquitto, no ACL | mosquitto, ACL | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, by in publishes.items():
        qos, topics = key.split("-")
        name = f"QoS {qos[-1]}, {topics} topics a publisher ({'cache-friendly' if int(topics) <= 32 else 'cache-hostile'})"
        lines.append(f"| {name} | {cell(by['no_acl']['per_s'])} | {cell(by['acl']['per_s'])} | "
                     f"{ratio(by['acl']['per_s'], by['no_acl']['per_s'])} | "
                     f"{by['no_acl']['broker_cpu_us_per_message']:.2f} / {by['acl']['broker_cpu_us_per_message']:.2f} | "
                     f"{cell(by['m_no_acl']['per_s'])} | {cell(by['m_acl']['per_s'])} | "
                     f"{ratio(by['m_acl']['per_s'], by['m_no_acl']['per_s'])} |")
    q1 = {t: publishes[f"qos1-{HOSTILE_TOPICS}"][t]["puback_codes"] for t in publishes[f"qos1-{HOSTILE_TOPICS}"]}
    lines += [
        "",
        "The ACL is checked, not skipped: a QoS 1 PUBLISH of `pub-0` to its own topic and to another user's "
        "(`plant/0/t`) before the run got PUBACK " + "; ".join(
            f"{k} {v['allowed_topic_code']:#04x} / {v['other_topic_code']:#04x}" if isinstance(v['allowed_topic_code'], int)
            else f"{k} {v}" for k, v in checks.items())
        + " (0x10: no matching subscribers, the message allowed; 0x87: not authorized). PUBACK reason codes of the "
        f"cache-hostile QoS 1 case: {q1}.",
        "",
        "Settings that differ from the defaults. Ours, every process: "
        + "; ".join(settings_of(records, "connect", "anonymous", "harness")) + ". The configuration measured: "
        + "; ".join(f"{f['label']}: " + "; ".join(settings_of(records, "connect", key, "measured"))
                    for key, f in connects.items() if not key.startswith("m_"))
        + "; the ACL: " + "; ".join(settings_of(records, "publish_target", "acl", "measured"))
        + ". mosquitto 2.0.11, every process: " + "; ".join(settings_of(records, "connect", "m_anonymous", "harness"))
        + "; for TLS two more listeners with the same certificate as ours, the second with `cafile` (the run's CA), "
        "`require_certificate true`, `use_identity_as_username true`; for the password file `allow_anonymous false` "
        "and `password_file` (one user per client, hashed by `mosquitto_passwd -U`); for the ACL "
        + "; ".join(settings_of(records, "publish_target", "m_acl", "measured")) + ".",
        "",
        f"Machine: {run['machine']['cpu']}, {run['machine']['nproc']} cores shared by every broker process of the "
        "run, the client (one python process) and, for HTTP, the authentication service; other work on the "
        f"machine moves these figures (load average at start {run['machine']['load_average_at_start']}). The "
        "ratios, measured in the same run with the configurations interleaved, are the figures to read; the rates "
        "themselves are the python client's as much as the broker's.",
    ]
    return "\n".join(lines)


def settings_of(records, kind, key, which):
    return next((r[which] for r in records if r["type"] == kind and r["target"] == key), [])


if __name__ == "__main__":
    main()
