"""What the figures were measured on."""

import os
import platform
import subprocess


def _first_line(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        text = (out.stdout or out.stderr).strip()
        return text.splitlines()[0] if text else "?"
    except (OSError, subprocess.TimeoutExpired):
        return "not found"


def _cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "?"


def _mem_total_gib():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / (1024 * 1024)
    return 0


def _os_name():
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return platform.system()


def _dotnet_runtime():
    out = subprocess.run(["dotnet", "--list-runtimes"], capture_output=True, text=True, timeout=30).stdout
    runtimes = [line.split()[1] for line in out.splitlines() if line.startswith("Microsoft.NETCore.App ")]
    return runtimes[-1] if runtimes else "?"


def describe(open_files_limit):
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    return {
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gib": round(_mem_total_gib(), 1),
        "os": _os_name(),
        "kernel": platform.release(),
        "dotnet_sdk": _first_line(["dotnet", "--version"]),
        "dotnet_runtime": _dotnet_runtime(),
        # mosquitto has no --version; -h prints "mosquitto version 2.0.11" first and exits 3.
        "mosquitto": _first_line(["mosquitto", "-h"]),
        # "nats-server: v2.9.10"
        "nats_server": _first_line(["nats-server", "--version"]).replace("nats-server: ", ""),
        "python": platform.python_version(),
        "open_files_limit": open_files_limit,
        "load_average_at_start": load,
    }
