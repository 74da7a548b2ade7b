"""The markdown written between the markers in docs/PERFORMANCE.md."""

from comparison.scenarios import delivered_rate

BEGIN, END = "<!-- compare:begin -->", "<!-- compare:end -->"


def figures(record):
    """The generator's JSON with the script's own measurements added, or None when it did not run."""
    if not record or record["status"] != "ok":
        return None
    merged = dict(record["result"])
    for key in ("broker_cpu_s", "kb_per_connection", "broker_rss_before_kb", "broker_rss_peak_kb"):
        merged[key] = record.get(key)
    return merged


def _number(value, decimals=0):
    if value is None:
        return "–"
    return f"{value:,.{decimals}f}"


def _latency(key):
    def get(f):
        return (f.get("latency_us") or {}).get(key)
    return get


def _machine_share(nproc):
    def get(f):
        # The generator's measured window and drain (its JSON); the CPU counters also cover connecting.
        seconds = (f.get("duration_s") or 0) + (f.get("drain_s") or 0)
        cpu = (f.get("broker_cpu_s") or 0) + (f.get("cpu_s") or 0)
        return 100 * cpu / (nproc * seconds) if seconds else None
    return get


def _acknowledged(getter):
    """A figure that exists at QoS 1 and 2 only."""
    def get(f):
        return getter(f) if (f.get("qos") or 0) > 0 else None
    return get


def _rows(scenario, nproc):
    """(label, getter, decimals, show the ratio?) for each row of a scenario's table."""
    common_tail = [
        ("broker CPU s", lambda f: f.get("broker_cpu_s"), 2, True),
        ("generator CPU s", lambda f: f.get("cpu_s"), 2, False),
        (f"broker + generator CPU, % of {nproc} cores (publishing and drain)", _machine_share(nproc), 0, False),
        ("generator errors", lambda f: len(f.get("errors") or []), 0, False),
    ]
    if scenario.kind == "connections":
        return [
            ("connections open", lambda f: f.get("connections"), 0, False),
            ("connect failures", lambda f: f.get("connect_failures"), 0, False),
            ("connections/s", lambda f: f.get("conn_per_s"), 0, True),
            ("broker RSS before, MiB", lambda f: (f.get("broker_rss_before_kb") or 0) / 1024, 1, False),
            ("broker RSS peak, MiB", lambda f: (f.get("broker_rss_peak_kb") or 0) / 1024, 1, False),
            ("KB per connection", lambda f: f.get("kb_per_connection"), 2, True),
        ] + common_tail
    acknowledged = [
        ("acked msg/s (PUBACK; PUBREC at QoS 2; within the window)", _acknowledged(lambda f: f.get("acked_per_s")), 0, True),
        ("acknowledged, drain included", _acknowledged(lambda f: f.get("acked")), 0, False),
        ("**acked_lost** (acknowledged, never received)", _acknowledged(lambda f: f.get("acked_lost")), 0, False),
        ("acked_lost, % of acknowledged", _acknowledged(lambda f: f.get("acked_lost_pct")), 1, False),
    ] if scenario.qos > 0 else []
    return [
        ("delivered msg/s (distinct, within the window)", delivered_rate, 0, True),
        *acknowledged,
        ("sent msg/s", lambda f: f.get("sent_per_s"), 0, True),
        ("late (received during the drain)", lambda f: f.get("late"), 0, False),
        ("lost (sent, never received)", lambda f: f.get("lost"), 0, False),
        ("duplicates", lambda f: f.get("duplicates"), 0, False),
        ("out of order", lambda f: f.get("out_of_order"), 0, False),
        ("latency p50, µs", _latency("p50"), 0, True),
        ("latency p99, µs", _latency("p99"), 0, True),
    ] + common_tail


def _cell(record, getter, decimals):
    if record is None:
        return "not run"
    if record["status"] != "ok":
        return record["status"]
    return _number(getter(figures(record)), decimals)


def _ratio(ours, other, getter):
    a, b = figures(ours), figures(other)
    if a is None or b is None:
        return "–"
    x, y = getter(a), getter(b)
    if x is None or not y:
        return "–"
    return f"{x / y:.2f}x"


def scenario_table(scenario, records, brokers, nproc):
    by_broker = {key: records.get((key, scenario.id)) for key in ("ours", "mosquitto", "nats", "null")}
    labels = {b.key: b.label for b in brokers}
    # The null broker's column, when it ran: the generator's own floor, next to the brokers it bounds.
    floor = by_broker["null"] is not None
    lines = [f"| | {labels.get('ours', 'ours')} | mosquitto | NATS | ours / mosquitto | ours / NATS |"
             + (" null broker (generator floor) |" if floor else ""),
             "|---|---:|---:|---:|---:|---:|" + ("---:|" if floor else "")]
    for label, getter, decimals, with_ratio in _rows(scenario, nproc):
        cells = [_cell(by_broker[k], getter, decimals) for k in ("ours", "mosquitto", "nats")]
        ratios = ([_ratio(by_broker["ours"], by_broker[k], getter) for k in ("mosquitto", "nats")]
                  if with_ratio else ["", ""])
        extra = [_cell(by_broker["null"], getter, decimals)] if floor else []
        lines.append(f"| {label} | " + " | ".join(cells + ratios + extra) + " |")
    return "\n".join(lines)


# A change passes its guard when no figure that has a direction moved the wrong way by more than this.
BEFORE_AFTER_TOLERANCE = 0.05
# Rows where a smaller figure is the better one.
LOWER_IS_BETTER = ("latency", "CPU", "KB per connection")


def before_after_table(scenarios, records, nproc, before_label):
    """Each ratioed figure of each scenario, ours (this tree) against the build of another revision in the same run."""
    lines = [f"| scenario | figure | ours | {before_label} | ours / before | within 5 %? |",
             "|---|---|---:|---:|---:|---|"]
    for s in scenarios:
        ours, before = records.get(("ours", s.id)), records.get(("before", s.id))
        for label, getter, decimals, with_ratio in _rows(s, nproc):
            if not with_ratio:
                continue
            a, b = figures(ours), figures(before)
            x, y = (getter(a) if a else None), (getter(b) if b else None)
            if x is None or not y:
                verdict = "–"
            else:
                lower = any(word in label for word in LOWER_IS_BETTER)
                worse = x / y - 1 if lower else 1 - x / y
                verdict = "yes" if worse <= BEFORE_AFTER_TOLERANCE else "**no**"
            lines.append(f"| {s.number} | {label} | {_cell(ours, getter, decimals)} | {_cell(before, getter, decimals)} "
                         f"| {_ratio(ours, before, getter)} | {verdict} |")
    return "\n".join(lines)


def floor_note(scenario, records):
    """One sentence under a scenario run against the null broker too, or None."""
    null = figures(records.get(("null", scenario.id)))
    if null is None:
        return None
    latency = null.get("latency_us") or {}
    return (f"The last column is the same generator against `broker bench null-broker`, which forwards each "
            f"PUBLISH from the publisher's read loop and does nothing else: the generator, the runtime and "
            f"loopback alone cost p50 {_number(latency.get('p50'))} µs and p99 {_number(latency.get('p99'))} µs "
            f"in this run, a floor under every broker's figure.")


def rounds_note(scenario, records):
    """One sentence under a scenario run in several rounds, or None."""
    if scenario.rounds <= 1:
        return None
    parts = []
    for key, label in (("ours", "ours"), ("mosquitto", "mosquitto"), ("nats", "NATS"), ("null", "null broker")):
        p99s = (records.get((key, scenario.id)) or {}).get("rounds_p99_us")
        if p99s:
            parts.append(f"{label} " + ", ".join("–" if p is None else f"{p:,.0f}" for p in p99s))
    if not parts:
        return None
    return (f"Run {scenario.rounds} times, the brokers taking turns; each column is its round with the median p99. "
            f"p99 of every round, µs: " + "; ".join(parts) + ".")


def _notes(scenario, records):
    notes = []
    for key in ("ours", "before", "mosquitto", "nats", "null"):
        record = records.get((key, scenario.id))
        if record is None:
            continue
        if record.get("error"):
            notes.append(f"- {key}: {record['error']}")
        errors = (record.get("result") or {}).get("errors") or []
        if errors:
            shown = "; ".join(str(e) for e in errors[:3])
            more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
            notes.append(f"- {key}, generator errors: {shown}{more}")
    return notes


def target_verdict(scenario, target, records):
    by_broker = {key: figures(records.get((key, scenario.id))) for key in ("ours", "mosquitto", "nats", "null")}
    met, measured = target.check(by_broker, scenario)
    verdict = {True: "met", False: "**not met**", None: "–"}[met]
    return verdict, measured


def _duration(scenario, run):
    durations = run["duration_s"]
    return durations.get(scenario.id) if isinstance(durations, dict) else durations


def render(run, scenarios, records, brokers, machine, generator_argv, shorten=str, baseline=None):
    """`shorten` turns an absolute path in a command into what a reader types from the repository."""
    nproc = machine["nproc"]
    out = [BEGIN, "",
           f"_Written by `{run['command']}` on {run['date']}; raw figures in "
           f"`{run['jsonl']}`. The next run replaces everything between the `compare` markers._", ""]

    out += ["### Targets", "", "| # | scenario | target | issue | measured | met? |", "|---|---|---|---|---|---|"]
    for s in scenarios:
        for target in s.targets:
            verdict, measured = target_verdict(s, target, records)
            null = figures(records.get(("null", s.id)))
            if null is not None and s.kind == "messages":
                p99 = (null.get("latency_us") or {}).get("p99")
                measured += f" (generator floor, null broker: p99 {_number(p99)} us)"
            out.append(f"| {s.number} | {s.title} | {target.text} | {target.issue} | {measured} | {verdict} |")
    out.append("")

    before = next((b for b in brokers if b.key == "before"), None)
    if before:
        out += ["### Before and after", "",
                f"Our broker from this tree against {before.label}, built from that revision, in the same run at the "
                "same defaults. Latency, CPU and memory rows count a rise as worse, the others a fall; single "
                "short runs on a shared 2-core machine vary by a few percent on their own.", "",
                before_after_table(scenarios, records, nproc, before.label), ""]

    out += ["### Settings that differ from each broker's defaults", ""]
    for b in brokers:
        out += [f"- **{b.label}**: " + "; ".join(shorten(line) for line in b.settings)] if b.settings else []
    out += ["- **the generator** (`broker bench`, the same for every broker): its subscriber acknowledges each QoS 1 "
            "PUBLISH with its PUBACK, each QoS 2 PUBLISH with its PUBREC and each PUBREL with its PUBCOMP, each written "
            "as soon as its packet is read, as an ordinary client does; each publisher keeps at most `--inflight` "
            "PUBLISH unacknowledged and sends a new one as each PUBACK (PUBCOMP) arrives. After publishing, the "
            f"subscriber reads on for up to {run.get('drain_s', 10):g} s (`--drain`) before acknowledged loss is "
            "counted. Rates count what happened within the publishing window.", ""]

    out += ["### Machine", "",
            f"- {machine['nproc']} cores ({machine['cpu']}), {machine['memory_gib']} GiB, {machine['os']}, "
            f"kernel {machine['kernel']}; load average {machine['load_average_at_start']} when the run started.",
            f"- .NET SDK {machine['dotnet_sdk']}, runtime {machine['dotnet_runtime']}; "
            f"{machine['mosquitto']}; nats-server {machine['nats_server']}.",
            f"- Open files limit {machine['open_files_limit']:,}. Each scenario's length is under its heading; "
            f"MQTT {run['mqtt_version_name']} unless the scenario names its version, all traffic on loopback. The brokers "
            f"and the generator share the same {nproc} cores: the last CPU rows show when the machine, not the broker, "
            "was the limit.",
            ""]

    for s in scenarios:
        version = {"5": "5.0", "4": "3.1.1", "3": "3.1"}.get(s.mqtt_version or run["mqtt_version"], "?")
        out += [f"### {s.number}. {s.title}", "",
                f"`broker bench {' '.join(_quote(a) for a in s.args)}`: {_duration(s, run):g} s, MQTT {version}", ""]
        out.append(scenario_table(s, records, brokers, nproc))
        notes = _notes(s, records)
        for note in reversed([n for n in (floor_note(s, records), rounds_note(s, records)) if n]):
            notes = [note] + ([""] + notes if notes else [])
        out += [""] + notes if notes else []
        out.append("")

    out += ["### Commands", "",
            "Each broker, started by the script and stopped by its pid at the end (`<tmp>` is a "
            "temporary directory the script creates and removes):", "", "```sh"]
    for b in brokers + ([baseline] if baseline else []):
        out.append(" ".join(_quote(shorten(a)) for a in b.argv))
    out += ["```", ""]
    for b in brokers:
        if b.config_text:
            out += [f"{b.label}'s generated configuration:", "", "```", shorten(b.config_text.rstrip()), "```", ""]
    out += ["Each scenario, against each broker's port in turn (the other brokers idle), with the length and "
            "MQTT version under its heading (`--drain` for `pubsub` scenarios only):", "", "```sh",
            " ".join(_quote(shorten(a)) for a in generator_argv) + " bench <scenario arguments above> --host 127.0.0.1 "
            f"--port <broker port> --version <4 for 3.1.1> --duration <seconds>s --drain {run.get('drain_s', 10):g}s",
            "```", "", END]
    return "\n".join(out)


def _quote(arg):
    return f"'{arg}'" if any(c in arg for c in " #%*?$") else arg


def replace_section(document, section):
    start, end = document.find(BEGIN), document.find(END)
    if start < 0 or end < start:
        raise RuntimeError(f"the markers {BEGIN} and {END} are missing from the document")
    return document[:start] + section + document[end + len(END):]
