"""Moves one persistent session around the nodes of a cluster while a publisher on one node publishes a numbered
QoS --qos stream to it. The subscriber connects to the node of each --path entry in turn (a port of --ports) with
a new connection of the same client id, without disconnecting the previous one: the broker takes the session over
and closes the old connection. Prints a "hop" per connection (its port and Session Present), then, once every
message the publisher had acknowledged has come or --timeout has passed, a "summary": how many the broker
acknowledged, how many of them arrived, twice, or never (the first few missing ones).
"""
import threading
import time

from common import connect, emit, new_client, parser, wait


def main():
    p = parser(__doc__)
    p.add_argument("--ports", required=True, help="comma-separated MQTT ports of the nodes")
    p.add_argument("--path", required=True, help="comma-separated indexes into --ports, one per connection")
    p.add_argument("--publish-node", type=int, default=0, help="index into --ports of the publisher's node")
    p.add_argument("--topic", required=True)
    p.add_argument("--qos", type=int, default=1)
    p.add_argument("--interval-ms", type=float, default=5, help="between two publishes")
    p.add_argument("--hop-ms", type=float, default=1500, help="time on each node")
    args = p.parse_args()
    ports = [int(x) for x in args.ports.split(",")]
    path = [int(x) for x in args.path.split(",")]

    lock = threading.Lock()
    received = {}
    acknowledged = set()
    stop = threading.Event()

    arrivals = {}

    def on_message(client, _userdata, message):
        with lock:
            payload = message.payload.decode()
            received[payload] = received.get(payload, 0) + 1
            arrivals.setdefault(payload, []).append([client._userdata, message.dup, message.mid])

    def subscriber(port, previous=None):
        args.port = port
        client = new_client(args, persistent=True)
        client.user_data_set(port)
        client.on_message = on_message
        if previous is not None:
            # A real client keeps its side of the session too: the QoS 2 messages it answered PUBREC for and whose PUBREL
            # the broker sends after the move (paho delivers them on PUBREL). One client object per connection here.
            client._in_messages = previous._in_messages

        def on_disconnect(c, _userdata, rc, properties=None):
            # Taken over: this connection stays closed (paho's loop would connect again and take the session back).
            emit("taken_over", port=port, rc=str(rc))
            c.disconnect()

        client.on_disconnect = on_disconnect
        return client

    first = subscriber(ports[path[0]])
    subscribed = threading.Event()
    first.on_subscribe = lambda *_: subscribed.set()
    present = connect(first, args, clean_start=False, session_expiry=300)
    emit("hop", port=ports[path[0]], session_present=present)
    first.subscribe(args.topic, args.qos)
    wait(subscribed, args.timeout, "SUBACK")
    emit("subscribed")

    def publish():
        args.port = ports[args.publish_node]
        saved = args.client_id
        args.client_id = saved + "-pub"
        publisher = new_client(args)
        connect(publisher, args)
        args.client_id = saved
        n = 0
        pending = []
        while not stop.is_set():
            info = publisher.publish(args.topic, str(n), qos=args.qos)
            pending.append((n, info))
            n += 1
            time.sleep(args.interval_ms / 1000.0)
            still = []
            for number, sent in pending:
                if sent.is_published():
                    with lock:
                        acknowledged.add(str(number))
                else:
                    still.append((number, sent))
            pending = still
        for number, sent in pending:
            sent.wait_for_publish(10)
            if sent.is_published():
                with lock:
                    acknowledged.add(str(number))
        publisher.disconnect()
        publisher.loop_stop()

    thread = threading.Thread(target=publish, daemon=True)
    thread.start()
    clients = [first]
    for index in path[1:]:
        time.sleep(args.hop_ms / 1000.0)
        client = subscriber(ports[index], clients[-1])
        present = connect(client, args, clean_start=False, session_expiry=300)
        emit("hop", port=ports[index], session_present=present)
        clients.append(client)
    time.sleep(args.hop_ms / 1000.0)
    stop.set()
    thread.join(30)

    deadline = time.time() + args.timeout
    while time.time() < deadline:
        with lock:
            if acknowledged <= set(received):
                break
        time.sleep(0.05)
    with lock:
        missing = sorted(acknowledged - set(received), key=int)
        twice = sorted((k for k in acknowledged if received.get(k, 0) > 1), key=int)
        emit("summary", acknowledged=len(acknowledged), received=len(acknowledged & set(received)),
             duplicates=len(twice), missing=missing[:20],
             twice=[dict(payload=k, arrivals=arrivals[k]) for k in twice[:10]])
    for client in clients:
        client.disconnect()
        client.loop_stop()


if __name__ == "__main__":
    main()
