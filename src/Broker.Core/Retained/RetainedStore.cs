using Broker.Core.Messaging;
using Broker.Mqtt.Topics;

namespace Broker.Core.Retained;

/// <summary>
/// The retained messages, one per topic name, in a trie of topic levels that a new subscription's
/// filter walks: an exact filter costs one lookup per level, '+' visits the children of one level and
/// '#' the whole subtree below it, so a filter never looks at topics outside what it can match.
/// Filters starting with a wildcard skip topics starting with '$' [MQTT-4.7.2-1]. Like the topic
/// trie, readers take no lock while one writer at a time stores or deletes.
/// <para>Expired messages are skipped when read [MQTT-3.3.2-5]; <see cref="PurgeExpired"/> frees them.</para>
/// </summary>
public sealed class RetainedStore
{
    private readonly TrieNode<ApplicationMessage> _root = new();
    private readonly Lock _writeLock = new();
    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// Applies a PUBLISH whose RETAIN flag is set: the message replaces the topic's retained message
    /// [MQTT-3.3.1-5]; with an empty payload it deletes it instead and is not stored itself
    /// [MQTT-3.3.1-6, MQTT-3.3.1-7] (3.1.1: [MQTT-3.3.1-10, MQTT-3.3.1-11]).
    /// </summary>
    public void Retain(ApplicationMessage message)
    {
        if (!TopicValidator.IsValidTopicName(message.Topic))
        {
            throw new ArgumentException($"'{message.Topic}' is not a valid topic name.", nameof(message));
        }

        if (message.Payload.IsEmpty)
        {
            Delete(message.Topic);
            return;
        }

        lock (_writeLock)
        {
            var node = TrieNode<ApplicationMessage>.GetOrAddPath(_root, message.Topic.Split('/'));
            if (node.Value is null)
            {
                _count++;
            }

            node.Value = message;
        }
    }

    public bool Delete(string topic)
    {
        lock (_writeLock)
        {
            if (TrieNode<ApplicationMessage>.RemovePath(_root, topic.Split('/')) is null)
            {
                return false;
            }

            _count--;
            return true;
        }
    }

    /// <summary>The unexpired retained messages whose topics match a plain (not shared) filter.</summary>
    public IReadOnlyList<ApplicationMessage> Match(string filter, long nowMs)
    {
        var found = new List<ApplicationMessage>();
        var skipDollar = filter.Length > 0 && filter[0] is '+' or '#';
        Collect(_root, filter, 0, skipDollar, new Sink(found, nowMs));
        return found;
    }

    /// <summary>Deletes the messages that have expired; returns how many.</summary>
    public int PurgeExpired(long nowMs)
    {
        var expired = FindExpired(nowMs);
        foreach (var message in expired)
        {
            RemoveIfCurrent(message);
        }

        return expired.Count;
    }

    /// <summary>Every stored message, expired or not, '$' topics included.</summary>
    public IReadOnlyList<ApplicationMessage> All()
    {
        var all = new List<ApplicationMessage>();
        AddSubtree(_root, skipDollar: false, new Sink(all, 0, Everything: true));
        return all;
    }

    /// <summary>The retained messages that have expired, still stored: what <see cref="PurgeExpired"/> would delete.</summary>
    public IReadOnlyList<ApplicationMessage> FindExpired(long nowMs)
    {
        var expired = new List<ApplicationMessage>();
        AddSubtree(_root, skipDollar: false, new Sink(expired, nowMs, ExpiredOnly: true));
        return expired;
    }

    /// <summary>
    /// Deletes the topic's retained message only if it is still <paramref name="message"/> (the same
    /// instance): a publisher may have replaced it since it was read. Returns whether it was deleted.
    /// </summary>
    public bool RemoveIfCurrent(ApplicationMessage message)
    {
        lock (_writeLock)
        {
            if (!ReferenceEquals(FindNode(message.Topic)?.Value, message) || TrieNode<ApplicationMessage>.RemovePath(_root, message.Topic.Split('/')) is null)
            {
                return false;
            }

            _count--;
            return true;
        }
    }

    /// <summary>The topic's retained message, expired or not; null when none.</summary>
    public ApplicationMessage? Find(string topic) => FindNode(topic)?.Value;

    /// <summary>
    /// Undoes a change that storage refused: if the topic still holds what the change left (<paramref name="applied"/>,
    /// null for a deletion), it holds <paramref name="previous"/> again (null: nothing). A later change is left alone.
    /// </summary>
    public bool Revert(string topic, ApplicationMessage? applied, ApplicationMessage? previous)
    {
        lock (_writeLock)
        {
            if (!ReferenceEquals(FindNode(topic)?.Value, applied))
            {
                return false;
            }

            if (previous is not null)
            {
                Retain(previous);
            }
            else
            {
                Delete(topic);
            }

            return true;
        }
    }

    private TrieNode<ApplicationMessage>? FindNode(string topic)
    {
        var node = _root;
        foreach (var level in topic.Split('/'))
        {
            node = node.Find(level);
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    /// <param name="start">Index of the filter level to match against this node's children; past the end when none is left.</param>
    private static void Collect(TrieNode<ApplicationMessage> node, ReadOnlySpan<char> filter, int start, bool skipDollar, Sink sink)
    {
        if (start > filter.Length)
        {
            sink.Add(node.Value);
            return;
        }

        var slash = filter[start..].IndexOf('/');
        var end = slash < 0 ? filter.Length : start + slash;
        var level = filter[start..end];
        if (level is "#")
        {
            // '#' also matches the level above it: a/# matches a (4.7.1.2).
            sink.Add(node.Value);
            AddSubtree(node, skipDollar, sink);
        }
        else if (level is "+")
        {
            foreach (var (name, child) in node.Children())
            {
                if (!(skipDollar && name.StartsWith('$')))
                {
                    Collect(child, filter, end + 1, false, sink);
                }
            }
        }
        else if (node.Find(level) is { } child)
        {
            Collect(child, filter, end + 1, false, sink);
        }
    }

    private static void AddSubtree(TrieNode<ApplicationMessage> node, bool skipDollar, Sink sink)
    {
        foreach (var (name, child) in node.Children())
        {
            if (!(skipDollar && name.StartsWith('$')))
            {
                sink.Add(child.Value);
                AddSubtree(child, false, sink);
            }
        }
    }

    private readonly record struct Sink(List<ApplicationMessage> Found, long NowMs, bool ExpiredOnly = false, bool Everything = false)
    {
        public void Add(ApplicationMessage? message)
        {
            if (message is not null && (Everything || message.IsExpired(NowMs) == ExpiredOnly))
            {
                Found.Add(message);
            }
        }
    }
}
