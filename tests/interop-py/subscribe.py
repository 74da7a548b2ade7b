"""Subscribes and prints each message received; exits after --count messages.

Lines: {"event": "connected", "session_present": b}, {"event": "subscribed", "granted": [...]},
{"event": "message", "topic", "payload", "qos", "retain", "user_properties"}.
"""
import threading

from common import connect, disconnect, emit, new_client, parser, user_properties, wait


def main():
    p = parser(__doc__)
    p.add_argument("--topic", action="append", default=[])
    p.add_argument("--qos", type=int, default=1)
    p.add_argument("--count", type=int, default=1, help="messages to wait for; 0 to exit once subscribed")
    p.add_argument("--persistent", action="store_true",
                   help="keep the session: clean session 0 (3.x), session expiry 300 s (5)")
    p.add_argument("--resume", action="store_true", help="with --persistent: clean start 0 on MQTT 5")
    p.add_argument("--no-subscribe", action="store_true", help="rely on the subscriptions of a kept session")
    args = p.parse_args()

    client = new_client(args, persistent=args.persistent)
    received = []
    done = threading.Event()
    subscribed = threading.Event()

    def on_message(_client, _userdata, message):
        emit("message", topic=message.topic, payload=message.payload.decode("utf-8", "replace"),
             qos=message.qos, retain=bool(message.retain),
             user_properties=user_properties(getattr(message, "properties", None)))
        received.append(message)
        if len(received) >= args.count:
            done.set()

    def on_subscribe(_client, _userdata, _mid, granted, properties=None):
        emit("subscribed", granted=[getattr(g, "value", g) for g in granted])
        subscribed.set()

    client.on_message = on_message
    client.on_subscribe = on_subscribe
    # Messages of a kept session may arrive right after CONNACK, so the handlers are set before connecting.
    connect(client, args, clean_start=not args.resume,
            session_expiry=300 if args.persistent and args.version == "5" else None)
    if not args.no_subscribe:
        client.subscribe([(topic, args.qos) for topic in args.topic])
        wait(subscribed, args.timeout, "SUBACK")
    if args.count > 0:
        wait(done, args.timeout, "%d messages (got %d)" % (args.count, len(received)))
    disconnect(client)


if __name__ == "__main__":
    main()
