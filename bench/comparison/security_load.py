"""The two loads of bench/security.py, asyncio and MQTT 5 on the packets of survival_client.py: clients that connect,
are answered and leave (the CONNECT rate), and publishers flat out at QoS 0 or with a full window at QoS 1 (what
the broker accepts a second). Every wait is bounded."""

import asyncio
import ssl
import struct
import time

from comparison.survival_client import (CONNACK, CONNECT, DISCONNECT, PUBACK, PUBLISH, _packet, _skip_property,
                                        _skip_varint, _string)

PINGREQ, PINGRESP = 12, 13
PAYLOAD = b"x" * 64


def tls_context(ca, client_cert=None):
    """What an ordinary client sets: the CA it trusts, the host name checked, its certificate when it has one."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(ca))
    if client_cert:
        context.load_cert_chain(str(client_cert[0]), str(client_cert[1]))
    return context


def connect_packet(client_id, username=None, password=None, keepalive_s=60):
    """CONNECT, MQTT 5, clean start, no session expiry."""
    flags = 0x02 | (0x80 if username is not None else 0) | (0x40 if password is not None else 0)
    payload = _string(client_id)
    if username is not None:
        payload += _string(username)
    if password is not None:
        payload += _string(password)
    body = _string("MQTT") + bytes([5, flags]) + struct.pack("!H", keepalive_s) + b"\x00" + payload
    return _packet(CONNECT, 0, body)


def disconnect_packet():
    return _packet(DISCONNECT, 0, b"")


async def _read_packet(reader):
    first = await reader.readexactly(1)
    length, shift = 0, 0
    while True:
        byte = (await reader.readexactly(1))[0]
        length |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    return first[0] >> 4, (await reader.readexactly(length)) if length else b""


async def _close(writer):
    writer.close()
    try:
        await asyncio.wait_for(writer.wait_closed(), 2)
    except (asyncio.TimeoutError, OSError, ssl.SSLError):
        pass


async def open_mqtt(port, client_id, username=None, password=None, tls=None, timeout_s=10):
    """(reader, writer, CONNACK properties' receive maximum, seconds to open the socket, seconds CONNECT to CONNACK)."""
    started = time.perf_counter()
    reader, writer = await asyncio.wait_for(asyncio.open_connection(
        "127.0.0.1", port, ssl=tls, server_hostname="localhost" if tls else None), timeout_s)
    opened = time.perf_counter()
    writer.write(connect_packet(client_id, username, password))
    kind, body = await asyncio.wait_for(_read_packet(reader), timeout_s)
    answered = time.perf_counter()
    if kind != CONNACK or body[1] != 0:
        await _close(writer)
        raise ConnectionError(f"CONNACK {body[1]:#04x}" if kind == CONNACK else f"packet {kind} before CONNACK")
    receive_maximum, (length, at) = 65535, _skip_varint(body, 2)
    end = at + length
    while at < end:  # Receive Maximum (0x21); the properties before it are skipped
        prop = body[at]
        if prop == 0x21:
            receive_maximum = struct.unpack_from("!H", body, at + 1)[0]
            break
        at = _skip_property(prop, body, at + 1)
    return reader, writer, receive_maximum, opened - started, answered - opened


# --- the CONNECT rate ---

async def connect_rate(port, identities, concurrency, time_limit_s, tls_for=None):
    """identities: (client_id, username, password) per client, each connecting once: CONNECT, CONNACK, DISCONNECT,
    close. `concurrency` clients at a time; no new one starts after time_limit_s. Returns the figures."""
    todo = iter(identities)
    connack_s, total_s, failures = [], [], []
    deadline = time.monotonic() + time_limit_s

    async def worker():
        for k, (client_id, username, password) in enumerate(todo):
            if time.monotonic() > deadline:
                return
            try:
                reader, writer, _, opened_s, answered_s = await open_mqtt(
                    port, client_id, username, password, tls_for(client_id) if tls_for else None)
                writer.write(_packet(DISCONNECT, 0, b""))
                await _close(writer)
                connack_s.append(answered_s)
                total_s.append(opened_s + answered_s)
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ConnectionError, ssl.SSLError) as e:
                failures.append(f"{client_id}: {e!r}")

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return {"seconds": time.perf_counter() - started, "connected": len(connack_s), "connack_s": connack_s,
            "total_s": total_s, "failed": len(failures), "failures": failures[:10],
            "timed_out": time.monotonic() > deadline}


# --- publishing ---

def publish_packets(topics, qos, first_id=1):
    """One PUBLISH per topic, in order; QoS 1 ones carry packet ids first_id.. (a window never reuses one in use)."""
    packets = []
    for k, topic in enumerate(topics):
        if qos:
            packets.append(_packet(PUBLISH, 0x02, _string(topic) + struct.pack("!H", first_id + k) + b"\x00" + PAYLOAD))
        else:
            packets.append(_packet(PUBLISH, 0x00, _string(topic) + b"\x00" + PAYLOAD))
    return packets


async def publish_qos0(port, client_id, username, topics, seconds, timeout_s=60):
    """Writes PUBLISH packets, cycling through the topics, as fast as the socket takes them for `seconds`, then a
    PINGREQ: the PINGRESP comes once the broker has read every PUBLISH before it. Returns (messages, seconds)."""
    reader, writer, _, _, _ = await open_mqtt(port, client_id, username)
    writer.transport.set_write_buffer_limits(high=256 * 1024)
    packets = publish_packets(topics, 0)
    cycle = max(1, 200 // len(packets))
    batch, per_batch = b"".join(packets * cycle), len(packets) * cycle
    sent = 0
    started = time.perf_counter()
    stop = started + seconds
    while time.perf_counter() < stop:
        writer.write(batch)
        sent += per_batch
        await writer.drain()
    writer.write(bytes([PINGREQ << 4, 0]))
    while True:
        kind, body = await asyncio.wait_for(_read_packet(reader), timeout_s)
        if kind == PINGRESP:
            break
        if kind == DISCONNECT:
            raise ConnectionError(f"{client_id}: DISCONNECT {body[:1].hex()} while publishing")
    elapsed = time.perf_counter() - started
    writer.write(_packet(DISCONNECT, 0, b""))
    await _close(writer)
    return sent, elapsed, {}


async def publish_qos1(port, client_id, username, topics, seconds, timeout_s=60):
    """Keeps the broker's Receive Maximum (at most 32) of QoS 1 PUBLISHes unacknowledged for `seconds`, cycling
    through the topics, then waits for the last PUBACKs. Returns (acknowledged, seconds, {reason code: count})."""
    reader, writer, receive_maximum, _, _ = await open_mqtt(port, client_id, username)
    window = max(1, min(receive_maximum, 32))
    # Packet ids run 1..window*k in turn; a PUBACK frees the oldest (brokers acknowledge in order), so an id is
    # never reused while unacknowledged. Each id's packet is made once, for its topic in the cycle.
    span = window * len(topics)
    packets = [publish_packets([topics[i % len(topics)]], 1, first_id=i + 1)[0] for i in range(span)]
    codes, acknowledged, next_index, in_flight = {}, 0, 0, 0
    buffer = b""
    started = time.perf_counter()
    stop = started + seconds
    writer.write(b"".join(packets[:window]))
    next_index, in_flight = window % span, window
    while in_flight:
        chunk = await asyncio.wait_for(reader.read(65536), timeout_s)
        if not chunk:
            raise ConnectionError(f"{client_id}: connection closed with {in_flight} PUBACKs missing")
        buffer += chunk
        at, freed = 0, 0
        while len(buffer) - at >= 2:
            kind, length = buffer[at] >> 4, buffer[at + 1]  # PUBACKs are short: a one-byte remaining length
            if length & 0x80:
                raise ConnectionError(f"{client_id}: unexpected long packet {kind} while publishing")
            if len(buffer) - at < 2 + length:
                break
            if kind == PUBACK:
                code = buffer[at + 4] if length > 2 else 0
                codes[code] = codes.get(code, 0) + 1
                freed += 1
            elif kind == DISCONNECT:
                raise ConnectionError(f"{client_id}: DISCONNECT {buffer[at + 2:at + 3].hex()} while publishing")
            at += 2 + length
        buffer = buffer[at:]
        acknowledged += freed
        in_flight -= freed
        if freed and time.perf_counter() < stop:
            end = next_index + freed
            if end <= span:
                writer.write(b"".join(packets[next_index:end]))
            else:
                writer.write(b"".join(packets[next_index:] + packets[:end - span]))
            next_index, in_flight = end % span, in_flight + freed
    elapsed = time.perf_counter() - started
    writer.write(_packet(DISCONNECT, 0, b""))
    await _close(writer)
    return acknowledged, elapsed, codes


async def publishers(port, qos, publisher_names, topics_of, seconds, run_tag):
    """Every publisher at once; returns (messages a second in all, messages, the slowest one's seconds, codes)."""
    publish = publish_qos1 if qos else publish_qos0
    results = await asyncio.gather(*(publish(port, f"sec-{run_tag}-{name}", name, topics_of(name), seconds)
                                     for name in publisher_names))
    messages = sum(r[0] for r in results)
    elapsed = max(r[1] for r in results)
    codes = {}
    for r in results:
        for code, count in r[2].items():
            codes[code] = codes.get(code, 0) + count
    return messages / elapsed, messages, elapsed, codes


async def check_publish(port, client_id, username, topic):
    """One QoS 1 PUBLISH; its PUBACK reason code (0x10: allowed, no subscriber; 0x87: not authorized)."""
    reader, writer, _, _, _ = await open_mqtt(port, client_id, username)
    writer.write(publish_packets([topic], 1)[0])
    kind, body = await asyncio.wait_for(_read_packet(reader), 10)
    writer.write(_packet(DISCONNECT, 0, b""))
    await _close(writer)
    if kind != PUBACK:
        return f"packet {kind}"
    return body[2] if len(body) > 2 else 0
