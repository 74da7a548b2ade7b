"""Persistent subscribers for the tests of sessions that outlive their node. With --phase subscribe, each of --clients
client ids "<--client-id>-<i>" connects with a persistent session (3.1.1 clean session 0; 5.0 clean start 0 and a
session expiry of 300 s), subscribes to --topic at --qos and disconnects: its session waits, offline, on that node.
With --phase collect, each connects again (to whichever node --port names), reports Session Present, and collects
the messages of publish_stream.py publishers (payloads "<publisher>:<n>", n below --count, or below the count given
as "<publisher>=<count>", for each of --publishers) until every one has come or --timeout has passed; then a "summary"
per client: received, duplicates, first missing.
"""
import threading

from common import connect, disconnect, emit, new_client, parser, wait


def main():
    p = parser(__doc__)
    p.add_argument("--phase", choices=["subscribe", "collect"], required=True)
    p.add_argument("--clients", type=int, default=5)
    p.add_argument("--topic", required=True)
    p.add_argument("--qos", type=int, default=1)
    p.add_argument("--publishers", default="", help="comma-separated client ids, each with =<count> or --count (collect)")
    p.add_argument("--count", type=int, default=0, help="messages per publisher (collect)")
    args = p.parse_args()
    prefix = args.client_id

    for i in range(args.clients):
        args.client_id = "%s-%d" % (prefix, i)
        client = new_client(args, persistent=True)
        if args.phase == "subscribe":
            subscribed = threading.Event()
            client.on_subscribe = lambda *_: subscribed.set()
            connect(client, args, clean_start=False, session_expiry=300)
            client.subscribe(args.topic, args.qos)
            wait(subscribed, args.timeout, "SUBACK")
            disconnect(client)
            emit("subscribed", client=args.client_id)
            continue

        expected = set()
        for entry in args.publishers.split(","):
            publisher, _, count = entry.partition("=")
            expected.update("%s:%d" % (publisher, n) for n in range(int(count) if count else args.count))
        received = set()
        duplicates = [0]
        complete = threading.Event()

        def on_message(_client, _userdata, message, expected=expected, received=received, duplicates=duplicates, complete=complete):
            payload = message.payload.decode()
            if payload in received:
                duplicates[0] += 1
            received.add(payload)
            if expected <= received:
                complete.set()

        client.on_message = on_message
        present = connect(client, args, clean_start=False, session_expiry=300)
        complete.wait(args.timeout)
        missing = sorted(expected - received)
        emit("summary", client=args.client_id, session_present=present, received=len(received & expected),
             expected=len(expected), duplicates=duplicates[0], missing=missing[:20])
        disconnect(client)


if __name__ == "__main__":
    main()
