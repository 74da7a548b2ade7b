"""Parses a Prometheus text exposition read from stdin with the Prometheus project's Python client (Debian's
python3-prometheus-client), and prints what it found as one JSON object: {"families": {name: type},
"samples": {"name{label=value,...}": value}}, labels sorted by name; the parser names a counter's samples
name_total. Exits 1, the parser's complaint on stderr, when the document does not parse.

    python3 parse_prometheus.py < scrape.txt
"""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    families, samples = {}, {}
    try:
        for family in text_string_to_metric_families(sys.stdin.read()):
            families[family.name] = family.type
            for sample in family.samples:
                labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
                samples[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
    except Exception as e:  # the parser raises ValueError and kin: any of them means the document is not valid
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
        return 1
    print(json.dumps({"families": families, "samples": samples}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
