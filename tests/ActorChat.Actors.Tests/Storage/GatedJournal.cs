using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;

namespace ActorChat.Tests.Storage;

/// <summary>
/// The in-memory journal with a gate a spec can close, so that writes wait, and a count of the writes it was asked
/// for: each call is one round trip to storage, whatever the number of events in it.
/// </summary>
public sealed class GatedJournal : MemoryJournal
{
    public const string PluginId = "akka.persistence.journal.gated";

    public const string Config = $$"""
        akka.persistence.journal.plugin = "{{PluginId}}"
        {{PluginId}} {
          class = "ActorChat.Tests.Storage.GatedJournal, ActorChat.Actors.Tests"
          plugin-dispatcher = "akka.actor.default-dispatcher"
        }
        """;

    /// <summary>Writes from now on wait until <see cref="Open"/>; answered with <see cref="Writes"/>.</summary>
    public sealed record Close
    {
        public static readonly Close Instance = new();
    }

    /// <summary>Lets the waiting writes through; answered with <see cref="Writes"/>.</summary>
    public sealed record Open
    {
        public static readonly Open Instance = new();
    }

    public sealed record CountWrites
    {
        public static readonly CountWrites Instance = new();
    }

    /// <summary>How many writes the journal was asked for so far.</summary>
    public sealed record Writes(int Count);

    private TaskCompletionSource? _gate;
    private int _writes;

    protected override async Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        _writes++;
        if (_gate is { } gate)
            await gate.Task.ConfigureAwait(false);
        return await base.WriteMessagesAsync(messages, cancellationToken).ConfigureAwait(false);
    }

    protected override bool ReceivePluginInternal(object message)
    {
        switch (message)
        {
            case Close:
                _gate ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                break;
            case Open:
                _gate?.TrySetResult();
                _gate = null;
                break;
            case CountWrites:
                break;
            default:
                return base.ReceivePluginInternal(message);
        }
        Sender.Tell(new Writes(_writes));
        return true;
    }
}
