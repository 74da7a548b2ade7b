namespace Broker.Actors;

public interface ICancelable
{
    bool IsCancelled { get; }

    /// <returns>false when it had already run or been cancelled.</returns>
    bool Cancel();
}
