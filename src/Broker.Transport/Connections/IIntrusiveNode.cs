namespace Broker.Transport.Connections;

/// <summary>An item that carries its own links in an <see cref="IntrusiveList{T}"/>; it is in one such list at most.</summary>
public interface IIntrusiveNode<T>
    where T : class
{
    T? Previous { get; set; }

    T? Next { get; set; }
}
