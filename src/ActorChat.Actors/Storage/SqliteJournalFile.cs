using Akka.Actor;
using Akka.Persistence.Sql.Config;
using LinqToDB;
using LinqToDB.Interceptors;
using Microsoft.Data.Sqlite;

namespace ActorChat.Storage;

/// <summary>
/// The SQLite database the SQL journal is configured with, when it is one this code can open beside the plugin:
/// SQLite through Microsoft.Data.Sqlite, handed to the plugin as HOCON or, as the server does, as options of the
/// actor system. Connections opened here get the settings the plugin's own connections get.
/// </summary>
internal sealed class SqliteJournalFile
{
    private readonly string _connectionString;
    private readonly IReadOnlyList<IInterceptor> _interceptors;

    private SqliteJournalFile(JournalConfig journal, string connectionString, IReadOnlyList<IInterceptor> interceptors)
    {
        Journal = journal;
        _connectionString = connectionString;
        _interceptors = interceptors;
    }

    /// <summary>The journal's configuration: its table, columns and plugin settings.</summary>
    public JournalConfig Journal { get; }

    /// <summary>
    /// The file of the journal configured by <paramref name="pluginConfig"/>, or null for another database than
    /// SQLite through Microsoft.Data.Sqlite, or one the plugin is handed in a way this code cannot read.
    /// </summary>
    public static SqliteJournalFile? For(Akka.Configuration.Config pluginConfig, ActorSystem system)
    {
        var journal = new JournalConfig(pluginConfig.WithFallback(Akka.Persistence.Sql.SqlPersistence.DefaultJournalConfiguration));
        var (provider, connectionString, interceptors) = (journal.ProviderName, journal.ConnectionString, (IReadOnlyList<IInterceptor>)[]);
        // Akka.Hosting hands the plugin its database as options of the actor system, not as HOCON.
        var setups = system.Settings.Setup.Get<MultiDataOptionsSetup>();
        if (journal.PluginId is not null && setups.HasValue && setups.Value.TryGetDataOptionsFor(journal.PluginId, out var options) && options is not null)
        {
            provider = options.ConnectionOptions.ProviderName ?? provider;
            connectionString = options.ConnectionOptions.ConnectionString ?? connectionString;
            interceptors = options.DataContextOptions?.Interceptors ?? interceptors;
        }
        else if (system.Settings.Setup.Get<DataOptionsSetup>().HasValue)
            return null;
        return provider == ProviderName.SQLiteMS && !string.IsNullOrEmpty(connectionString)
            ? new SqliteJournalFile(journal, connectionString, interceptors)
            : null;
    }

    /// <summary>A new connection to the file, open, with the settings every connection of the plugin gets (busy timeout, synchronous).</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            foreach (var interceptor in _interceptors.OfType<ConnectionInterceptor>())
                interceptor.ConnectionOpened(default, connection);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
