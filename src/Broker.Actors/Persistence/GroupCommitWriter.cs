using System.Threading.Channels;

namespace Broker.Actors.Persistence;

/// <summary>
/// Group commit: writers from many actors queue their atomic writes here, and one loop commits whatever is
/// pending in one transaction, then completes each writer. While a commit waits for the disk, the next
/// writes pile up and go together in the following one, so the cost of a durable commit (an fsync) is
/// shared by as many events as arrive during it, with no timer and no added latency when idle.
/// <para>A commit that fails with more than one write in it is retried one write per transaction, so that
/// a bad write (a sequence number that exists already) fails only its own writer.</para>
/// <para>With a commit interval (periodic durability), commits start at most once per interval: what arrives
/// in between waits and goes in the next one, so the cost of a commit is paid once per interval whatever the
/// write rate, and a crash loses at most the writes of the last interval. Disposing commits at once.</para>
/// </summary>
internal sealed class GroupCommitWriter : IAsyncDisposable
{
    private readonly Func<IReadOnlyList<AtomicWrite>, CancellationToken, Task> _commit;
    private readonly int _maxEventsPerCommit;
    private readonly Channel<Request> _queue = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TimeSpan _commitInterval;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _loop;
    private long? _lastCommitStart;
    private long _commits;
    private long _writes;
    private long _events;
    private long _failedCommits;

    /// <param name="commit">Stores the writes in one transaction; throws if nothing was committed.</param>
    /// <param name="commitInterval">Zero: commit as soon as the previous commit is done; otherwise the least time between the starts of two commits.</param>
    public GroupCommitWriter(
        Func<IReadOnlyList<AtomicWrite>, CancellationToken, Task> commit, int maxEventsPerCommit, TimeSpan commitInterval = default, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEventsPerCommit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(commitInterval, TimeSpan.Zero);
        _commit = commit;
        _maxEventsPerCommit = maxEventsPerCommit;
        _commitInterval = commitInterval;
        _time = time ?? TimeProvider.System;
        _loop = Task.Run(RunAsync);
    }

    public JournalStatistics Statistics => new(
        Interlocked.Read(ref _commits), Interlocked.Read(ref _writes), Interlocked.Read(ref _events), Interlocked.Read(ref _failedCommits));

    public Task WriteAsync(AtomicWrite write)
    {
        var request = new Request(write);
        if (!_queue.Writer.TryWrite(request))
        {
            return Task.FromException(new ObjectDisposedException(nameof(GroupCommitWriter), "The journal is closed."));
        }

        return request.Completion.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<Request>();
        var writes = new List<AtomicWrite>();
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            await WaitForIntervalAsync().ConfigureAwait(false);
            var events = 0;
            while (events < _maxEventsPerCommit && reader.TryRead(out var request))
            {
                batch.Add(request);
                writes.Add(request.Write);
                events += request.Write.Entries.Count;
            }

            await CommitAsync(batch, writes, events).ConfigureAwait(false);
            batch.Clear();
            writes.Clear();
        }
    }

    private async Task WaitForIntervalAsync()
    {
        if (_commitInterval == TimeSpan.Zero)
        {
            return;
        }

        // The first write after a quiet spell is not held back: the interval counts from the last commit.
        var wait = _lastCommitStart is { } last ? _commitInterval - _time.GetElapsedTime(last) : TimeSpan.Zero;
        if (wait > TimeSpan.Zero && !_closing.IsCancellationRequested)
        {
            await Task.Delay(wait, _time, _closing.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _lastCommitStart = _time.GetTimestamp();
    }

    private async Task CommitAsync(List<Request> batch, List<AtomicWrite> writes, int events)
    {
        try
        {
            await _commit(writes, CancellationToken.None).ConfigureAwait(false);
            Count(batch.Count, events);
            foreach (var request in batch)
            {
                request.Completion.TrySetResult();
            }

            return;
        }
        catch (Exception e) when (batch.Count == 1)
        {
            Interlocked.Increment(ref _failedCommits);
            batch[0].Completion.TrySetException(e);
            return;
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _failedCommits);
        }

        foreach (var request in batch)
        {
            try
            {
                await _commit([request.Write], CancellationToken.None).ConfigureAwait(false);
                Count(1, request.Write.Entries.Count);
                request.Completion.TrySetResult();
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref _failedCommits);
                request.Completion.TrySetException(e);
            }
        }
    }

    private void Count(int writes, int events)
    {
        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _writes, writes);
        Interlocked.Add(ref _events, events);
    }

    /// <summary>Commits what was queued before, then stops; later writes fail with <see cref="ObjectDisposedException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_queue.Writer.TryComplete())
        {
            await _loop.ConfigureAwait(false);
            return;
        }

        await _closing.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _closing.Dispose();
    }

    private sealed class Request(AtomicWrite write)
    {
        public AtomicWrite Write { get; } = write;

        // Asynchronous continuations: the writer loop must not run the actors' code on its own thread.
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
