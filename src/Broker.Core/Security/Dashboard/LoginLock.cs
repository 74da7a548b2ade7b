using System.Collections.Concurrent;

namespace Broker.Core.Security.Dashboard;

/// <summary>
/// Refuses a username's logins for <see cref="LockDuration"/> after <see cref="MaxAttempts"/> wrong passwords within
/// <see cref="Interval"/> (EMQX's login lock, with its defaults), so that passwords cannot be guessed at the speed of
/// the API. Per node: a guesser spreading over n nodes gets n times the attempts, still a handful per ten minutes.
/// </summary>
public sealed class LoginLock(TimeProvider time)
{
    public const int MaxAttempts = 5;
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan LockDuration = TimeSpan.FromMinutes(10);

    // Bounded: past this many usernames with failures, those with no failure left in the interval and no lock are
    // dropped; never one that counts, or a guesser could spray names to reset a victim's count. When every entry still
    // counts, a new name goes untracked rather than memory grown (its logins still cost a password hash each).
    private const int MaxTracked = 10_000;

    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);

    public bool IsLocked(string username) =>
        _failures.TryGetValue(username, out var failures) && failures.LockedUntil is { } until && until > time.GetUtcNow();

    public void Failed(string username)
    {
        var now = time.GetUtcNow();
        if (_failures.Count >= MaxTracked)
        {
            foreach (var stale in _failures.Where(f => !f.Value.Counts(now)).Take(MaxTracked / 10).ToList())
            {
                _failures.TryRemove(stale.Key, out _);
            }

            if (_failures.Count >= MaxTracked && !_failures.ContainsKey(username))
            {
                return;
            }
        }

        _failures.AddOrUpdate(username, _ => new Failures([now], null), (_, current) =>
        {
            var recent = current.Times.Where(t => now - t < Interval).Append(now).TakeLast(MaxAttempts).ToArray();
            return new Failures(recent, recent.Length >= MaxAttempts ? now + LockDuration : current.LockedUntil);
        });
    }

    public void Succeeded(string username) => _failures.TryRemove(username, out _);

    private sealed record Failures(DateTimeOffset[] Times, DateTimeOffset? LockedUntil)
    {
        public bool Counts(DateTimeOffset now) => LockedUntil > now || Times.Any(t => now - t < Interval);
    }
}
