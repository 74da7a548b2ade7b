"""Shared by the interop scripts: arguments, JSON-line output, connecting with a deadline.

Every script prints one JSON object per line ({"event": ...}) and exits 0 when it did what it was
asked, 1 on a protocol failure, 2 on a deadline. Works with paho-mqtt 1.6 (Debian bookworm) and 2.x.
"""
import argparse
import json
import sys
import threading

import paho.mqtt.client as mqtt
from paho.mqtt.properties import Properties
from paho.mqtt.packettypes import PacketTypes

VERSIONS = {"5": mqtt.MQTTv5, "311": mqtt.MQTTv311, "31": mqtt.MQTTv31}


def parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=1883)
    p.add_argument("--version", choices=VERSIONS, default="311")
    p.add_argument("--client-id", default="")
    p.add_argument("--timeout", type=float, default=20.0, help="seconds before giving up")
    return p


_output = threading.Lock()


def emit(event, **fields):
    # The network thread and the main thread both print: one whole line at a time.
    line = json.dumps(dict(event=event, **fields)) + "\n"
    with _output:
        sys.stdout.write(line)
        sys.stdout.flush()


def fail(message, status=1):
    emit("error", message=message)
    sys.exit(status)


def new_client(args, persistent=False):
    """A client; persistent keeps the session: clean session 0 (3.x) or clean start 0 (5, see connect)."""
    kwargs = dict(client_id=args.client_id, protocol=VERSIONS[args.version])
    if args.version != "5":
        kwargs["clean_session"] = not persistent
    if hasattr(mqtt, "CallbackAPIVersion"):  # paho-mqtt 2.x
        return mqtt.Client(mqtt.CallbackAPIVersion.VERSION1, **kwargs)
    return mqtt.Client(**kwargs)


def connect(client, args, clean_start=True, session_expiry=None):
    """Connects, starts the network thread, waits for CONNACK; returns the session-present flag."""
    connected = threading.Event()
    result = {}

    def on_connect(_client, _userdata, flags, rc, properties=None):
        result["rc"] = rc
        result["session_present"] = bool(flags.get("session present"))
        # MQTT 5: how many unacknowledged QoS 1/2 PUBLISH the server takes [MQTT-3.3.4-7]; paho 1.6 does not apply it.
        client.server_receive_maximum = getattr(properties, "ReceiveMaximum", None) if properties else None
        connected.set()

    client.on_connect = on_connect
    if args.version == "5":
        properties = None
        if session_expiry is not None:
            properties = Properties(PacketTypes.CONNECT)
            properties.SessionExpiryInterval = session_expiry
        client.connect(args.host, args.port, keepalive=60, clean_start=clean_start, properties=properties)
    else:
        client.connect(args.host, args.port, keepalive=60)
    client.loop_start()
    wait(connected, args.timeout, "CONNACK")
    if result["rc"] != 0:
        fail("connection refused: %s" % result["rc"])
    emit("connected", session_present=result["session_present"])
    return result["session_present"]


def wait(event, timeout, what):
    if not event.wait(timeout):
        fail("no %s within %s s" % (what, timeout), status=2)


def user_properties(properties):
    if properties is None or not hasattr(properties, "UserProperty"):
        return []
    return [list(pair) for pair in properties.UserProperty]


def disconnect(client):
    client.disconnect()
    client.loop_stop()
