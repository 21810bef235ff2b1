using System.Diagnostics;

namespace ActorChat.Testing;

/// <summary>
/// The one way the tests wait for something that happens over sockets, HTTP or other processes: ask again every
/// <c>every</c> until it holds or <c>within</c> has passed. Never a fixed sleep: a fast machine goes on at once,
/// a slow one gets the whole deadline.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultWithin = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultEvery = TimeSpan.FromMilliseconds(100);

    /// <summary>Waits until <paramref name="condition"/> holds; a <see cref="TimeoutException"/> names <paramref name="what"/> when it never does.</summary>
    public static Task True(Func<bool> condition, string what, TimeSpan? within = null, TimeSpan? every = null) =>
        True(() => Task.FromResult(condition()), () => what, within, every);

    /// <inheritdoc cref="True(Func{bool}, string, TimeSpan?, TimeSpan?)"/>
    public static Task True(Func<bool> condition, Func<string> what, TimeSpan? within = null, TimeSpan? every = null) =>
        True(() => Task.FromResult(condition()), what, within, every);

    /// <inheritdoc cref="True(Func{bool}, string, TimeSpan?, TimeSpan?)"/>
    public static Task True(Func<Task<bool>> condition, string what, TimeSpan? within = null, TimeSpan? every = null) =>
        True(condition, () => what, within, every);

    /// <inheritdoc cref="True(Func{bool}, string, TimeSpan?, TimeSpan?)"/>
    public static async Task True(Func<Task<bool>> condition, Func<string> what, TimeSpan? within = null, TimeSpan? every = null)
    {
        var limit = within ?? DefaultWithin;
        var started = Stopwatch.GetTimestamp();
        while (!await condition())
        {
            if (Stopwatch.GetElapsedTime(started) > limit)
                throw new TimeoutException($"not within {limit.TotalSeconds:0.#} s: {what()}");
            await Task.Delay(every ?? DefaultEvery);
        }
    }

    /// <summary>
    /// Reads until <paramref name="accepted"/> or the deadline, and returns the last value read either way: the
    /// caller asserts on it, so that a failure shows what was seen last.
    /// </summary>
    public static async Task<T> Value<T>(Func<Task<T>> read, Func<T, bool> accepted, TimeSpan? within = null, TimeSpan? every = null)
    {
        var limit = within ?? DefaultWithin;
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var value = await read();
            if (accepted(value) || Stopwatch.GetElapsedTime(started) > limit)
                return value;
            await Task.Delay(every ?? DefaultEvery);
        }
    }
}
