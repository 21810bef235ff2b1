using Akka.Actor;
using Akka.Persistence.Sql.Config;
using LinqToDB.Interceptors;

namespace ActorChat.Storage;

/// <summary>
/// The database the SQL journal plugin is configured with: its provider and connection string as HOCON names them
/// or, as the server does, as Akka.Hosting hands them to the plugin (options of the actor system).
/// </summary>
internal sealed record JournalDatabase(JournalConfig Journal, string? Provider, string? ConnectionString, IReadOnlyList<IInterceptor> Interceptors)
{
    /// <summary>The journal configured by <paramref name="pluginConfig"/>; null when it is handed in a way this code cannot read.</summary>
    public static JournalDatabase? Read(Akka.Configuration.Config pluginConfig, ActorSystem system)
    {
        var journal = new JournalConfig(pluginConfig.WithFallback(Akka.Persistence.Sql.SqlPersistence.DefaultJournalConfiguration));
        var setups = system.Settings.Setup.Get<MultiDataOptionsSetup>();
        if (journal.PluginId is not null && setups.HasValue && setups.Value.TryGetDataOptionsFor(journal.PluginId, out var options) && options is not null)
        {
            return new JournalDatabase(journal, options.ConnectionOptions.ProviderName ?? journal.ProviderName,
                options.ConnectionOptions.ConnectionString ?? journal.ConnectionString, options.DataContextOptions?.Interceptors ?? []);
        }
        return system.Settings.Setup.Get<DataOptionsSetup>().HasValue ? null : new JournalDatabase(journal, journal.ProviderName, journal.ConnectionString, []);
    }

    /// <summary>The journal table's name, its schema's before it when one is configured, quoted with <paramref name="quote"/>.</summary>
    public string QualifiedTable(Func<string, string> quote) =>
        Journal.TableConfig.SchemaName is { Length: > 0 } schema
            ? $"{quote(schema)}.{quote(Journal.TableConfig.EventJournalTable.Name)}"
            : quote(Journal.TableConfig.EventJournalTable.Name);
}
