"""Publishes --count messages (payload --message, or --message + index when --count > 1), then disconnects.

With --topic-alias N (MQTT 5), the first message carries the topic and the alias, the next ones an empty
topic and the alias only (MQTT 5.0 section 3.3.2.3.4).
"""
from common import connect, disconnect, emit, fail, new_client, parser
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties


def main():
    p = parser(__doc__)
    p.add_argument("--topic", required=True)
    p.add_argument("--qos", type=int, default=1)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--message", default="")
    p.add_argument("--retain", action="store_true")
    p.add_argument("--user-property", nargs=2, action="append", default=[], metavar=("KEY", "VALUE"))
    p.add_argument("--topic-alias", type=int, default=0)
    args = p.parse_args()

    client = new_client(args)
    connect(client, args)
    for i in range(args.count):
        payload = args.message if args.count == 1 else "%s%d" % (args.message, i)
        topic = args.topic
        properties = None
        if args.version == "5" and (args.user_property or args.topic_alias):
            properties = Properties(PacketTypes.PUBLISH)
            for key, value in args.user_property:
                properties.UserProperty = (key, value)
            if args.topic_alias:
                properties.TopicAlias = args.topic_alias
                if i > 0:
                    topic = ""
        info = client.publish(topic, payload, qos=args.qos, retain=args.retain, properties=properties)
        info.wait_for_publish(args.timeout)
        if not info.is_published():
            fail("message %d not acknowledged within %s s" % (i, args.timeout), status=2)
    emit("published", count=args.count)
    disconnect(client)


if __name__ == "__main__":
    main()
