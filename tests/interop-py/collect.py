"""Subscribes to --topic at --qos and collects the messages of publish_stream.py publishers: payloads
"<publisher>:<n>", n in 0..--count-1, for each publisher in --publishers. With --delay-ms it takes that long
over each message before paho acknowledges it (a consumer slower than its publishers); with --persistent its
session is kept (clean session 0 / session expiry 300 s). Prints "subscribed",
then, once every expected message has come or --timeout has passed, a "summary": how many arrived, how many of
them twice, and the first missing ones.
"""
import threading
import time

from common import connect, disconnect, emit, new_client, parser, wait


def main():
    p = parser(__doc__)
    p.add_argument("--topic", required=True)
    p.add_argument("--qos", type=int, default=1)
    p.add_argument("--publishers", required=True, help="comma-separated client ids")
    p.add_argument("--count", type=int, required=True, help="messages per publisher")
    p.add_argument("--delay-ms", type=float, default=0)
    p.add_argument("--persistent", action="store_true", help="keep the session: clean session 0 (3.x), session expiry 300 s (5)")
    args = p.parse_args()

    expected = {"%s:%d" % (pub, i) for pub in args.publishers.split(",") for i in range(args.count)}
    received = set()
    duplicates = [0]
    complete = threading.Event()
    subscribed = threading.Event()

    def on_message(_client, _userdata, message):
        if args.delay_ms:
            time.sleep(args.delay_ms / 1000.0)
        payload = message.payload.decode()
        # Only the streams' messages: other payloads (a test's probes of its routes) may come any number of times.
        if payload in received and payload in expected:
            duplicates[0] += 1
        received.add(payload)
        if expected <= received:
            complete.set()

    client = new_client(args, persistent=args.persistent)
    client.on_message = on_message
    client.on_subscribe = lambda *_: subscribed.set()
    connect(client, args, session_expiry=300 if args.persistent else None)
    client.subscribe(args.topic, args.qos)
    wait(subscribed, args.timeout, "SUBACK")
    emit("subscribed")

    complete.wait(args.timeout)
    missing = sorted(expected - received)
    emit("summary", received=len(received & expected), expected=len(expected), duplicates=duplicates[0],
         unexpected=len(received - expected), missing=missing[:20])
    disconnect(client)


if __name__ == "__main__":
    main()
