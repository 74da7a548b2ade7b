"""A minimal asyncio MQTT 5 client for bench/survival.py: enough of the protocol to make thousands of durable sessions
quickly (clean start 0, a session expiry, one QoS 1 subscription, DISCONNECT), publish QoS 1 and collect what a session
kept. paho makes one session in several milliseconds of its own threads; this makes one in about the broker's time,
and needs nothing installed. Every wait is bounded by the caller's timeout."""

import asyncio
import struct

CONNECT, CONNACK, PUBLISH, PUBACK, SUBSCRIBE, SUBACK, DISCONNECT = 1, 2, 3, 4, 8, 9, 14
SESSION_EXPIRY = 0x11


def _varint(n):
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _string(text):
    raw = text.encode()
    return struct.pack("!H", len(raw)) + raw


def _packet(kind, flags, body):
    return bytes([kind << 4 | flags]) + _varint(len(body)) + body


def _skip_varint(body, at):
    value, shift = 0, 0
    while True:
        byte = body[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


class Connection:
    """One MQTT 5 connection; read() returns the next packet as (type, flags, body)."""

    def __init__(self, reader, writer, session_present, receive_maximum):
        self.reader, self.writer = reader, writer
        self.session_present = session_present
        self.receive_maximum = receive_maximum
        self._next_id = 0

    @classmethod
    async def open(cls, port, client_id, clean_start=False, session_expiry_s=3600, timeout_s=10):
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout_s)
        properties = bytes([SESSION_EXPIRY]) + struct.pack("!I", session_expiry_s) if session_expiry_s else b""
        body = (_string("MQTT") + bytes([5, 0x02 if clean_start else 0x00]) + struct.pack("!H", 60)
                + _varint(len(properties)) + properties + _string(client_id))
        writer.write(_packet(CONNECT, 0, body))
        connection = cls(reader, writer, False, 65535)
        kind, _, answer = await asyncio.wait_for(connection.read(), timeout_s)
        if kind != CONNACK or answer[1] != 0:
            writer.close()
            raise ConnectionError(f"{client_id}: CONNACK {answer[1] if kind == CONNACK else f'missing (packet {kind})'}")
        connection.session_present = bool(answer[0] & 1)
        length, at = _skip_varint(answer, 2)
        end = at + length
        while at < end:  # Receive Maximum (0x21) bounds our unacknowledged QoS 1 publishes; the rest is skipped
            prop = answer[at]
            at += 1
            if prop == 0x21:
                connection.receive_maximum = struct.unpack_from("!H", answer, at)[0]
                break
            at = _skip_property(prop, answer, at)
        return connection

    async def read(self):
        first = await self.reader.readexactly(1)
        length, shift = 0, 0
        while True:
            byte = (await self.reader.readexactly(1))[0]
            length |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        body = await self.reader.readexactly(length) if length else b""
        return first[0] >> 4, first[0] & 0x0F, body

    def packet_id(self):
        self._next_id = self._next_id % 65535 + 1
        return self._next_id

    async def subscribe(self, topic, qos=1, timeout_s=10):
        pid = self.packet_id()
        self.writer.write(_packet(SUBSCRIBE, 0x02, struct.pack("!H", pid) + b"\x00" + _string(topic) + bytes([qos])))
        while True:
            kind, _, body = await asyncio.wait_for(self.read(), timeout_s)
            if kind == SUBACK and struct.unpack_from("!H", body)[0] == pid:
                length, at = _skip_varint(body, 2)
                code = body[at + length]
                if code > 2:
                    raise ConnectionError(f"SUBACK {code:#x} for {topic}")
                return

    async def publish_qos1(self, messages, timeout_s=30):
        """Publishes (topic, payload) pairs at QoS 1, at most receive_maximum unacknowledged; returns the PUBACK reason
        codes other than success (0x00): 0x10 (no matching subscribers) is one, the message went nowhere."""
        pending, refused, window = set(), [], max(1, min(self.receive_maximum, 32))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        for topic, payload in messages:
            while len(pending) >= window:
                refused += await self._puback(pending, deadline - loop.time())
            pid = self.packet_id()
            pending.add(pid)
            self.writer.write(_packet(PUBLISH, 0x02, _string(topic) + struct.pack("!H", pid) + b"\x00" + payload.encode()))
        while pending:
            refused += await self._puback(pending, deadline - loop.time())
        return refused

    async def _puback(self, pending, timeout_s):
        if timeout_s <= 0:
            raise TimeoutError(f"{len(pending)} PUBACKs missing")
        kind, _, body = await asyncio.wait_for(self.read(), timeout_s)
        if kind != PUBACK:
            return []
        pid = struct.unpack_from("!H", body)[0]
        pending.discard(pid)
        code = body[2] if len(body) > 2 else 0
        return [code] if code else []

    def publish_qos0(self, topic, payload):
        self.writer.write(_packet(PUBLISH, 0x00, _string(topic) + b"\x00" + payload.encode()))

    async def receive(self, timeout_s):
        """The next PUBLISH as (topic, payload), acknowledged if QoS 1; None when none comes within timeout_s."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            left = deadline - loop.time()
            if left <= 0:
                return None
            try:
                kind, flags, body = await asyncio.wait_for(self.read(), left)
            except asyncio.TimeoutError:
                return None
            if kind != PUBLISH:
                continue
            (topic_length,) = struct.unpack_from("!H", body)
            topic = body[2:2 + topic_length].decode()
            at = 2 + topic_length
            if (flags >> 1) & 3:
                pid = struct.unpack_from("!H", body, at)[0]
                at += 2
                self.writer.write(_packet(PUBACK, 0, struct.pack("!H", pid)))
            length, at = _skip_varint(body, at)
            return topic, body[at + length:].decode(errors="replace")

    async def disconnect(self):
        try:
            self.writer.write(_packet(DISCONNECT, 0, b""))
            await self.writer.drain()
        finally:
            self.writer.close()
            try:
                await asyncio.wait_for(self.writer.wait_closed(), 5)
            except (asyncio.TimeoutError, OSError):
                pass

    def abort(self):
        self.writer.transport.abort()


def _skip_property(prop, body, at):
    if prop in (0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A):  # one byte
        return at + 1
    if prop in (0x13, 0x21, 0x22, 0x23):  # two-byte integers
        return at + 2
    if prop in (0x02, 0x11, 0x18, 0x27):  # four-byte integers
        return at + 4
    if prop == 0x0B:  # subscription identifier
        return _skip_varint(body, at)[1]
    if prop == 0x26:  # user property: a pair of strings
        at += 2 + struct.unpack_from("!H", body, at)[0]
    return at + 2 + struct.unpack_from("!H", body, at)[0]  # strings and binary data
