namespace Broker.Actors;

/// <summary>
/// The name of an actor: its system's address and the names from the root down, as in
/// <c>broker://broker/user/sessions/machine-7</c>. Immutable, compared by value. Actors do not store
/// their path (a million idle sessions would pay for a million of them): a reference builds it on demand.
/// </summary>
public sealed class ActorPath : IEquatable<ActorPath>
{
    private readonly string[] _elements;

    private ActorPath(Address address, string[] elements)
    {
        Address = address;
        _elements = elements;
    }

    public Address Address { get; }

    public IReadOnlyList<string> Elements => _elements;

    public string Name => _elements.Length == 0 ? "" : _elements[^1];

    public static ActorPath Root(Address address) => new(address, []);

    public ActorPath Child(string name)
    {
        ActorName.Validate(name);
        return new ActorPath(Address, [.. _elements, name]);
    }

    public ActorPath? Parent => _elements.Length == 0 ? null : new ActorPath(Address, _elements[..^1]);

    /// <summary>Parses what <see cref="ToString"/> writes.</summary>
    public static ActorPath Parse(string text)
    {
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            throw new FormatException($"'{text}' is not an actor path: it has no protocol.");
        }

        var rest = text[(schemeEnd + 3)..];
        var slash = rest.IndexOf('/');
        var authority = slash < 0 ? rest : rest[..slash];
        var elements = slash < 0 ? [] : rest[(slash + 1)..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        var at = authority.IndexOf('@');
        Address address;
        if (at < 0)
        {
            address = new Address(text[..schemeEnd], authority);
        }
        else
        {
            var hostPort = authority[(at + 1)..];
            var colon = hostPort.LastIndexOf(':');
            int? port = colon > 0 ? int.Parse(hostPort[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture) : null;
            address = new Address(text[..schemeEnd], authority[..at], colon > 0 ? hostPort[..colon] : hostPort, port);
        }

        foreach (var element in elements)
        {
            ActorName.Validate(element);
        }

        return new ActorPath(address, elements);
    }

    public bool Equals(ActorPath? other) =>
        other is not null && Address.Equals(other.Address) && _elements.AsSpan().SequenceEqual(other._elements);

    public override bool Equals(object? obj) => Equals(obj as ActorPath);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Address);
        foreach (var element in _elements)
        {
            hash.Add(element, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => _elements.Length == 0 ? $"{Address}/" : $"{Address}/{string.Join('/', _elements)}";
}
