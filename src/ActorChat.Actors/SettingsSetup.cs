using Akka.Actor;
using Akka.Actor.Setup;

namespace ActorChat;

/// <summary>
/// Hands a bound settings object to the actor system, so that the system's extensions (the message table, the
/// photo store, the delivery hubs) read the very object the host validated: a setting is never re-spelled into HOCON.
/// </summary>
public sealed class SettingsSetup<T>(T settings) : Setup where T : class
{
    public T Settings { get; } = settings;
}

public static class SettingsSetup
{
    /// <summary>The <typeparamref name="T"/> the system was created with, or null.</summary>
    public static T? Find<T>(ActorSystem system) where T : class =>
        system.Settings.Setup.Get<SettingsSetup<T>>() is { HasValue: true } setup ? setup.Value.Settings : null;
}
