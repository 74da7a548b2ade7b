"""One client subscribes, another publishes --count messages at --qos (payloads 0..count-1), then an "end"
marker on the same topic. Messages of one publisher on one topic arrive in order [MQTT-4.6.0-6], so
anything delivered twice shows up before the marker. Prints every message received, then "done".
"""
import threading

from common import connect, disconnect, emit, fail, new_client, parser, wait


def main():
    p = parser(__doc__)
    p.add_argument("--topic", required=True)
    p.add_argument("--qos", type=int, default=2)
    p.add_argument("--count", type=int, default=200)
    args = p.parse_args()

    base_id = args.client_id or "stream"
    args.client_id = base_id + "-sub"
    subscriber = new_client(args)
    ended = threading.Event()
    subscribed = threading.Event()
    received = []

    def on_message(_client, _userdata, message):
        payload = message.payload.decode()
        if payload == "end":
            ended.set()
            return
        received.append(payload)
        emit("message", payload=payload, qos=message.qos)

    subscriber.on_message = on_message
    subscriber.on_subscribe = lambda *_: subscribed.set()
    connect(subscriber, args)
    subscriber.subscribe(args.topic, args.qos)
    wait(subscribed, args.timeout, "SUBACK")

    args.client_id = base_id + "-pub"
    publisher = new_client(args)
    connect(publisher, args)
    sent = [publisher.publish(args.topic, str(i), qos=args.qos) for i in range(args.count)]
    sent.append(publisher.publish(args.topic, "end", qos=args.qos))
    for i, info in enumerate(sent):
        info.wait_for_publish(args.timeout)
        if not info.is_published():
            fail("message %d not acknowledged within %s s" % (i, args.timeout), status=2)
    wait(ended, args.timeout, "end marker (got %d messages)" % len(received))
    emit("done", received=len(received))
    disconnect(publisher)
    disconnect(subscriber)


if __name__ == "__main__":
    main()
