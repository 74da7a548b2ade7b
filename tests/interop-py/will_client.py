"""Connects with a will message and stays connected until killed, or disconnects cleanly with --then-disconnect.

A client killed by the test closes its socket without DISCONNECT, so the broker must publish the will
[MQTT-3.1.2-8]; after a DISCONNECT (reason 0 on MQTT 5) it must discard it [MQTT-3.1.2-10].
"""
import threading

from common import connect, disconnect, emit, new_client, parser


def main():
    p = parser(__doc__)
    p.add_argument("--will-topic", required=True)
    p.add_argument("--will-payload", default="gone")
    p.add_argument("--will-qos", type=int, default=1)
    p.add_argument("--then-disconnect", action="store_true")
    args = p.parse_args()

    client = new_client(args)
    client.will_set(args.will_topic, args.will_payload, qos=args.will_qos)
    connect(client, args)
    if args.then_disconnect:
        disconnect(client)
        emit("disconnected")
        return
    threading.Event().wait()  # Until the test kills this process.


if __name__ == "__main__":
    main()
