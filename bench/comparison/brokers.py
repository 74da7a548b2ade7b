"""Starting, probing and stopping the three brokers; each is a process this script started and
stops by its pid."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Broker:
    key: str            # "ours", "mosquitto", "nats", or "null" (the generator's floor)
    label: str          # column heading in the report
    port: int           # its MQTT port on 127.0.0.1
    argv: list
    config_text: str = ""        # the generated configuration file, shown in the report
    # What differs from the broker's defaults, said beside the figures: one line per setting or group of settings.
    settings: list = field(default_factory=list)
    supports_qos2: bool = True
    # Its working directory under the run directory: two builds of our broker must not share one data_dir.
    subdir: str = ""
    process: subprocess.Popen = field(default=None, repr=False)
    log_path: Path = None

    @property
    def pid(self):
        return self.process.pid if self.process else None

    def start(self, run_dir):
        self.log_path = run_dir / f"{self.key}.log"
        cwd = run_dir / self.subdir
        cwd.mkdir(exist_ok=True)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, cwd=cwd)

    def wait_ready(self, timeout_s=60):
        """Waits for the MQTT port to accept TCP connections, then for a real MQTT exchange."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.label} exited with {self.process.returncode}: "
                                   f"{tail(self.log_path, 15, 2000)}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"{self.label}: port {self.port} not open after {timeout_s} s")
        self._mqtt_probe(deadline)

    def _mqtt_probe(self, deadline):
        # The port can open before the broker serves MQTT (NATS creates its JetStream streams on the
        # first MQTT client), so one QoS 1 publish must be acknowledged. mosquitto_pub is optional.
        if not shutil.which("mosquitto_pub"):
            return
        while True:
            probe = subprocess.run(["mosquitto_pub", "-V", "mqttv311", "-h", "127.0.0.1", "-p", str(self.port),
                                    "-q", "1", "-t", "compare/probe", "-m", "ready"],
                                   capture_output=True, timeout=15)
            if probe.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.label}: MQTT probe failed: {probe.stderr.decode().strip()}")
            time.sleep(0.5)

    def stop(self):
        if not self.process or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)


def tail(path, lines=3, max_chars=400):
    """The last non-empty lines of a log on one line, short enough for a table note."""
    try:
        text = [line.strip() for line in Path(path).read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return "(no log)"
    joined = " | ".join(text[-lines:])
    return joined if len(joined) <= max_chars else "..." + joined[-max_chars:]


def mosquitto(port, run_dir):
    # As fair as mosquitto gets for these scenarios: no persistence, queues and inflight windows as
    # large as ours, Nagle off, and no log line per connection (ours logs at warning level).
    conf = "\n".join([
        f"listener {port} 127.0.0.1",
        "max_connections -1",
        "allow_anonymous true",
        "persistence false",
        "max_queued_messages 1000000",
        "max_inflight_messages 1000",
        "set_tcp_nodelay true",
        "log_dest stdout",
        "log_type error",
        "log_type warning",
        "connection_messages false",
        "",
    ])
    path = run_dir / "mosquitto.conf"
    path.write_text(conf)
    settings = [
        f"`listener {port} 127.0.0.1`, `allow_anonymous true` (2.0 refuses anonymous clients by default), "
        "`max_connections -1` (the default: no limit)",
        "`max_queued_messages 1000000` (default 1000), `max_inflight_messages 1000` (default 20)",
        "`persistence false` (the default), `set_tcp_nodelay true` (default false)",
        "logging: errors and warnings only, `connection_messages false`",
    ]
    return Broker("mosquitto", "mosquitto", port, ["mosquitto", "-c", str(path)], conf, settings)


def nats(port, client_port, run_dir):
    # NATS serves MQTT only with JetStream on, which needs a server name; its store is temporary.
    store = run_dir / "jetstream"
    conf = "\n".join([
        "server_name: compare_nats",
        f"listen: 127.0.0.1:{client_port}",
        f'jetstream {{ store_dir: "{store}" }}',
        f"mqtt {{ listen: 127.0.0.1:{port} }}",
        "",
    ])
    path = run_dir / "nats.conf"
    path.write_text(conf)
    settings = [
        f"`listen: 127.0.0.1:{client_port}`, `mqtt {{ listen: 127.0.0.1:{port} }}`",
        "JetStream on (its MQTT listener needs it), store in a temporary directory; `server_name` (JetStream needs one)",
    ]
    # NATS MQTT has no QoS 2 (v2.9: "publish QoS=2 not supported").
    return Broker("nats", "NATS", port, ["nats-server", "-c", str(path)], conf, settings, supports_qos2=False)


def ours(port, broker_dll, run_dir, key="ours", label="ours"):
    # The broker's DEFAULT configuration (hocon/broker.conf) except what the harness needs: the tcp listener on
    # loopback and the run's port, and the WebSocket listener (on by default, 0.0.0.0:8083) not opened. No mqtt.*
    # setting is changed: max_inflight 32, max_mqueue_len 1000, max_awaiting_rel 100 as shipped. Its data_dir is
    # the default `data`, under the run directory it starts in (the working directory).
    argv = ["dotnet", str(broker_dll),
            "--listeners.tcp.bind=127.0.0.1", f"--listeners.tcp.port={port}",
            "--listeners.ws.enabled=false", "--management.http.port=0", "--dashboard.listeners.http.bind=127.0.0.1:0"]
    settings = [
        f"`listeners.tcp.bind=127.0.0.1`, `listeners.tcp.port={port}`, `listeners.ws.enabled=false`, "
        "`management.http.port=0`, `dashboard.listeners.http.bind=127.0.0.1:0` (the harness: loopback only, the run's port, "
        "no WebSocket listener on 0.0.0.0:8083, the management endpoint and the dashboard listener on any free port, as two "
        "brokers of a run cannot both have 8558 and 18083); nothing else: every `mqtt.*`, "
        "`persistence.*` and `log.*` setting is the default of hocon/broker.conf (max_inflight 32, "
        "max_mqueue_len 1000, max_awaiting_rel 100, log level info)",
    ]
    return Broker(key, label, port, argv, settings=settings, subdir="" if key == "ours" else key)


def null_broker(port, broker_dll):
    # Not a broker to compare: `broker bench null-broker` only forwards each PUBLISH to the matching
    # subscribers from the publisher's read loop. The generator's figures against it are the floor
    # the generator and loopback set on their own (scenario 4's "generator floor" column).
    argv = ["dotnet", str(broker_dll), "bench", "null-broker", "--host", "127.0.0.1", "--port", str(port)]
    return Broker("null", "null broker", port, argv)


def raise_open_files_limit(wanted):
    """Raises the soft limit on open files to the hard one, so that the brokers and the generator,
    which inherit it, can hold `wanted` sockets. Returns the new limit."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    new = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
    if new > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
    if new < wanted:
        print(f"warning: open files limited to {new}, fewer than the {wanted} a scenario needs")
    return new


def port_is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def ensure_release_build(repo, broker_dll, no_build):
    """Builds the broker in Release unless told not to, and exits naming the fix when the dll is missing."""
    if not no_build:
        subprocess.run(["dotnet", "build", "-c", "Release", str(repo / "src/Broker.Host")], check=True)
    if not broker_dll.exists():
        sys.exit(f"{broker_dll} is missing: build without --no-build")


def build_revision(repo, revision, tree):
    """Checks `revision` out into a detached worktree at `tree` and builds its broker in Release; returns its dll."""
    subprocess.run(["git", "-C", str(repo), "worktree", "add", "--detach", str(tree), revision], check=True)
    subprocess.run(["dotnet", "build", "-c", "Release", str(tree / "src/Broker.Host")], check=True)
    dll = tree / "src/Broker.Host/bin/Release/net10.0/broker.dll"
    if not dll.exists():
        sys.exit(f"{dll} is missing after building {revision}")
    return dll


def remove_worktree(repo, tree):
    subprocess.run(["git", "-C", str(repo), "worktree", "remove", "--force", str(tree)], check=False)
