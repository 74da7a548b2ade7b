"""Publishes --count numbered messages ("<client id>:<n>") at --qos to --topic, with up to --inflight of them
unacknowledged at a time, --interval-ms apart (paho's send window: the next goes out as an acknowledgement comes back; on MQTT 5 no
more than the Receive Maximum of the server's CONNACK), then
reports how many the broker acknowledged (PUBACK for QoS 1, PUBCOMP for QoS 2) and disconnects.
"""
import time

from common import connect, disconnect, emit, fail, new_client, parser


def main():
    p = parser(__doc__)
    p.add_argument("--topic", required=True)
    p.add_argument("--qos", type=int, default=1)
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--inflight", type=int, default=64)
    p.add_argument("--interval-ms", type=float, default=0, help="a pause after each publish, to spread the stream over time")
    args = p.parse_args()

    client = new_client(args)
    client.max_queued_messages_set(0)
    connect(client, args)
    # A 5.0 client keeps to the server's Receive Maximum, which paho 1.6 does not do by itself.
    client.max_inflight_messages_set(min(args.inflight, client.server_receive_maximum or args.inflight))
    sent = []
    for i in range(args.count):
        sent.append(client.publish(args.topic, "%s:%d" % (args.client_id, i), qos=args.qos))
        if args.interval_ms:
            time.sleep(args.interval_ms / 1000.0)
    for i, info in enumerate(sent):
        info.wait_for_publish(args.timeout)
        if not info.is_published():
            fail("message %d not acknowledged within %s s" % (i, args.timeout), status=2)
    emit("acknowledged", count=len(sent))
    disconnect(client)


if __name__ == "__main__":
    main()
