using System.Threading.RateLimiting;
using ActorChat.Accounts;
using ActorChat.Connections;
using ActorChat.Delivery;
using ActorChat.Diagnostics;
using ActorChat.Host.Attachments;
using ActorChat.Host.Auth;
using ActorChat.Host.Endpoints;
using ActorChat.Host.Http;
using ActorChat.Host.Logging;
using ActorChat.Host.Management;
using ActorChat.Host.Sockets;
using ActorChat.Hosting;
using ActorChat.Rooms;
using ActorChat.Storage;
using Akka.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace ActorChat.Host;

/// <summary>Builds the ActorChat web application: options, the actor system, the endpoints and the page.</summary>
public static class ChatApp
{
    /// <param name="configure">Runs on the builder before the app is built: for a test that adds a logger provider, say.</param>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json, HOCON.conf and the page are beside the binary; data paths stay relative to the working directory.
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        var services = builder.Services;

        // Each settings class is bound from one section, validated when the host starts, and handed on as is: to
        // the endpoints through DI, to the actor system through ChatOptions.
        AddSettings<AuthSettings>(services, AuthSettings.Section, s => s.Validate());
        AddSettings<StorageSettings>(services, StorageSettings.Section, s => s.Validate());
        AddSettings<RoomSettings>(services, RoomSettings.Section, s => s.Validate());
        AddSettings<ConnectionSettings>(services, ConnectionSettings.Section, s => s.Validate());
        AddSettings<ClusterSettings>(services, ClusterSettings.Section, s => s.Validate());
        AddSettings<ManagementSettings>(services, ManagementSettings.Section, s => s.Validate());
        AddSettings<ProxySettings>(services, ProxySettings.Section, s => s.Validate());
        AddSettings<AttachmentSettings>(services, AttachmentSettings.Section, s => s.Validate());
        AddSettings<AdminSettings>(services, AdminSettings.Section, s => s.Validate());
        // A key generated on each node would make every node refuse the others' tokens.
        services.AddOptions<AuthSettings>().Validate<IOptions<ClusterSettings>>(
            (auth, cluster) => !cluster.Value.IsMultiNode || !string.IsNullOrWhiteSpace(auth.SigningKey),
            $"{AuthSettings.Section}:{nameof(AuthSettings.SigningKey)} must be set, the same on every node, when the node is one of a cluster ({ClusterSettings.Section}:{nameof(ClusterSettings.SeedNodes)} or {nameof(ClusterSettings.Discovery)}).");

        services.AddSingleton(s =>
        {
            var auth = s.GetRequiredService<AuthSettings>();
            var key = SigningKey.Load(auth, Path.GetFullPath(s.GetRequiredService<StorageSettings>().DataDirectory));
            return new TokenService(key, auth.TokenLifetime, auth.MaxSessionAge);
        });
        services.AddSingleton(s => SessionGuard.Get(s.GetRequiredService<Akka.Actor.ActorSystem>()));
        services.AddSingleton(s => new RegistrationLimiter(s.GetRequiredService<AuthSettings>().RegistrationsPerHour));
        services.AddSingleton(s => new PasswordHasher(s.GetRequiredService<AuthSettings>().PasswordHashIterations));
        services.AddSingleton<ImageProcessor>();
        services.AddSingleton<DecodeGate>();
        services.AddSingleton<UploadAdmission>();
        services.AddHostedService<UnpostedAttachmentSweeper>();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (rejected, _) =>
            {
                // When the window reopens, so that a well-behaved client waits instead of hammering.
                if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                    rejected.HttpContext.Response.SetRetryAfter(retryAfter);
                return ValueTask.CompletedTask;
            };
            limiter.AddPolicy(AccountEndpoints.LoginRateLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = context.RequestServices.GetRequiredService<AuthSettings>().LoginAttemptsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                }));
        });

        var hocon = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "HOCON.conf"));
        services.AddAkka(ChatHosting.SystemName, (akka, provider) =>
        {
            akka.ConfigureLoggers(logging =>
            {
                logging.ClearLoggers();
                logging.AddLoggerFactory();
            });
            var connections = provider.GetRequiredService<ConnectionSettings>();
            akka.AddActorChat(new ChatOptions(hocon, provider.GetRequiredService<ClusterSettings>(), provider.GetRequiredService<StorageSettings>(),
                provider.GetRequiredService<RoomSettings>(), connections)
            {
                // A TimeProvider registered by the app's builder (a test's, say) stamps the rooms' events.
                Clock = provider.GetService<TimeProvider>(),
                Admin = provider.GetRequiredService<AdminSettings>(),
            });
            akka.AddStartup((system, _) =>
            {
                RemoteFrameBudget.Check(system, connections);
                ChatMetrics.ObserveCluster(system);
            });
            // Every node answers the operator consoles of the others, with figures when it collects metrics.
            akka.WithActors((system, _) => system.ActorOf(NodeFiguresActor.PropsFor(MeterReader.For(provider)), NodeFiguresActor.Name));
        });

        // Metrics are collected only with the management endpoint on; with it off the instruments have no listener
        // for their meter and cost next to nothing. Scrapes are not cached: the operator console's rates divide by the
        // time between two readings, and a cached reading is older than it looks.
        services.AddOpenTelemetry().WithMetrics(metrics => ((IDeferredMeterProviderBuilder)metrics.AddPrometheusExporter(
            prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0)).Configure((provider, meters) =>
        {
            if (provider.GetRequiredService<ManagementSettings>().Enabled)
                meters.AddMeter(ChatMetrics.MeterName);
        }));
        services.AddSingleton<ManagementServer>();
        services.AddHostedService(provider => provider.GetRequiredService<ManagementServer>());
        services.AddHostedService<BootstrapServer>();

        services.AddChatHealthChecks();
        services.AddTokenRedaction();
        configure?.Invoke(builder);
        var app = builder.Build();
        // Every setting is checked here, before anything starts: one out of its bounds stops the start, named.
        foreach (var settings in app.Services.GetServices<BoundSettings>())
            app.Services.GetRequiredService(settings.Type);
        // Made now, as before any request: a node's own signing key is written to the data directory at start-up.
        app.Services.GetRequiredService<TokenService>();
        var proxy = app.Services.GetRequiredService<ProxySettings>();
        var inbound = app.Services.GetRequiredService<ConnectionSettings>();
        // First, so that everything after it sees the client's own address and scheme. With no proxy configured the
        // middleware stays out entirely: given empty proxy lists it would believe the headers from any sender.
        if (proxy.Any)
            app.UseForwardedHeaders(proxy.ForwardedHeaders());
        app.UseSecurityHeaders();
        app.UseInboundThrottle(ChatSocketEndpoint.Path, inbound.InboundBytesPerSecond, inbound.InboundBurstBytes);
        app.UseWebSockets();
        app.UseRateLimiter();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapAccountEndpoints();
        app.MapAttachmentEndpoints();
        app.MapChatSocket();
        app.MapHealthEndpoints();
        return app;

    }

    /// <summary>A settings class bound by <see cref="AddSettings"/>, to be checked before the server starts.</summary>
    private sealed record BoundSettings(Type Type);

    private static void AddSettings<T>(IServiceCollection services, string section, Action<T> validate) where T : class
    {
        services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>>(new SettingsValidation<T>(validate));
        services.AddSingleton(provider => provider.GetRequiredService<IOptions<T>>().Value);
        services.AddSingleton(new BoundSettings(typeof(T)));
    }

    /// <summary>A settings class's own checks, as the options' validation: a failure names the setting and stops the start.</summary>
    private sealed class SettingsValidation<T>(Action<T> validate) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            try
            {
                validate(options);
                return ValidateOptionsResult.Success;
            }
            catch (InvalidOperationException e)
            {
                return ValidateOptionsResult.Fail(e.Message);
            }
        }
    }
}
