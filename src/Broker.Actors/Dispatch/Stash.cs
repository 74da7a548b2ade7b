namespace Broker.Actors;

internal sealed class Stash(ActorCell owner) : IStash
{
    private readonly List<Envelope> _messages = [];

    public int Count => _messages.Count;

    void IStash.Stash()
    {
        var message = owner.CurrentMessage ?? throw new InvalidOperationException("Stash is only possible while processing a message.");
        _messages.Add(new Envelope(message, owner.Sender));
    }

    public void UnstashAll()
    {
        if (_messages.Count == 0)
        {
            return;
        }

        owner.Prepend(_messages);
        _messages.Clear();
    }

    public void Clear()
    {
        foreach (var envelope in _messages)
        {
            owner.System.DeadLetters.Publish(envelope.Message, envelope.Sender, owner);
        }

        _messages.Clear();
    }
}
