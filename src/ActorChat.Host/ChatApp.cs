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
        var config = builder.Configuration;

        var auth = Bind<AuthSettings>(builder, AuthSettings.Section, s => s.Validate());
        var storage = Bind<StorageSettings>(builder, StorageSettings.Section, s => s.Validate());
        var rooms = Bind<RoomSettings>(builder, RoomSettings.Section, s => s.Validate());
        var connections = Bind<ConnectionSettings>(builder, ConnectionSettings.Section, s => s.Validate());
        var cluster = Bind<ClusterSettings>(builder, ClusterSettings.Section, s => s.Validate());
        var management = Bind<ManagementSettings>(builder, ManagementSettings.Section, s => s.Validate());
        var proxy = Bind<ProxySettings>(builder, ProxySettings.Section, s => s.Validate());
        var attachments = Bind<AttachmentSettings>(builder, AttachmentSettings.Section, s => s.Validate());
        if (cluster.SeedNodes.Length > 0 && string.IsNullOrWhiteSpace(auth.SigningKey))
        {
            // A key generated on each node would make every node refuse the others' tokens.
            throw new InvalidOperationException(
                $"{AuthSettings.Section}:{nameof(AuthSettings.SigningKey)} must be set, the same on every node, when {ClusterSettings.Section}:{nameof(ClusterSettings.SeedNodes)} are configured.");
        }

        builder.Services.AddSingleton(new TokenService(SigningKey.Load(auth, Path.GetFullPath(storage.DataDirectory)), auth.TokenLifetime, auth.MaxSessionAge));
        builder.Services.AddSingleton(services => SessionGuard.Get(services.GetRequiredService<Akka.Actor.ActorSystem>()));
        builder.Services.AddSingleton(new RegistrationLimiter(auth.RegistrationsPerHour));
        builder.Services.AddSingleton(new ImageProcessor(attachments));
        builder.Services.AddSingleton(new DecodeGate(attachments));
        builder.Services.AddSingleton(new UploadAdmission(attachments));
        builder.Services.AddHostedService<UnpostedAttachmentSweeper>();
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
                _ => new FixedWindowRateLimiterOptions { PermitLimit = auth.LoginAttemptsPerMinute, Window = TimeSpan.FromMinutes(1) }));
        });

        var hocon = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "HOCON.conf"));
        builder.Services.AddAkka(ChatHosting.SystemName, (akka, services) =>
        {
            akka.ConfigureLoggers(logging =>
            {
                logging.ClearLoggers();
                logging.AddLoggerFactory();
            });
            // A TimeProvider registered by the app's builder (a test's, say) stamps the rooms' events.
            akka.AddActorChat(hocon, cluster, storage, rooms, connections.MaxConnectionsPerUser, services.GetService<TimeProvider>());
            akka.AddStartup((system, _) =>
            {
                RemoteFrameBudget.Check(system, connections);
                ChatMetrics.ObserveCluster(system);
            });
        });

        // Metrics are collected only with the management endpoint on; with it off the instruments have no listener and cost next to nothing.
        if (management.Enabled)
            builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(ChatMetrics.MeterName).AddPrometheusExporter());
        builder.Services.AddSingleton<ManagementServer>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ManagementServer>());

        builder.Services.AddChatHealthChecks();
        builder.Services.AddTokenRedaction();
        configure?.Invoke(builder);
        var app = builder.Build();
        // First, so that everything after it sees the client's own address and scheme. With no proxy configured the
        // middleware stays out entirely: given empty proxy lists it would believe the headers from any sender.
        if (proxy.Any)
            app.UseForwardedHeaders(proxy.ForwardedHeaders());
        app.UseSecurityHeaders();
        app.UseInboundThrottle(ChatSocketEndpoint.Path, connections.InboundBytesPerSecond, connections.InboundBurstBytes);
        app.UseWebSockets();
        app.UseRateLimiter();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapAccountEndpoints();
        app.MapAttachmentEndpoints();
        app.MapChatSocket();
        app.MapHealthEndpoints();
        return app;

        static T Bind<T>(WebApplicationBuilder builder, string section, Action<T> validate) where T : class, new()
        {
            var settings = builder.Configuration.GetSection(section).Get<T>() ?? new T();
            validate(settings);
            builder.Services.AddSingleton(Options.Create(settings));
            builder.Services.AddSingleton(settings);
            return settings;
        }
    }
}
