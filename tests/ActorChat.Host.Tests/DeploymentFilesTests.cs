using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using ActorChat.Hosting;
using ActorChat.Testing;
using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ActorChat.Host.Tests;

/// <summary>
/// The Dockerfile, deploy/compose.yaml and deploy/kubernetes/ cannot be built or run here (no container engine, no
/// cluster), so these tests hold them to the app instead: every ActorChat__ variable names a setting the app binds,
/// with a value it takes, and the image's ports, user, files and shutdown time agree with the server.
/// </summary>
public sealed class DeploymentFilesTests
{
    [Theory]
    [InlineData("ActorChat__Cluster__Discovry", "Config")]
    [InlineData("ActorChat__Clustr__Discovery", "Config")]
    [InlineData("ActorChat__Cluster__Discovery", "Kubernets")]
    [InlineData("ActorChat__Cluster__Port", "twenty")]
    [InlineData("ActorChat__Cluster__Port__0", "2551")]
    [InlineData("ActorChat__Cluster__DiscoveryEndpoints", "node1:8558")]
    [InlineData("ActorChat__Cluster__DiscoveryEndpoints__first", "node1:8558")]
    [InlineData("ActorChat__Cluster", "x")]
    [InlineData("ActorChat__Cluster__IsMultiNode", "true")]
    public void A_key_or_value_the_app_does_not_take_is_refused(string name, string value) =>
        Assert.NotNull(DeploymentSettings.Problem(name, value));

    [Theory]
    [InlineData("ActorChat__Cluster__Discovery", "Kubernetes")]
    [InlineData("ActorChat__Cluster__DiscoveryEndpoints__2", "node3:8558")]
    [InlineData("ActorChat__Storage__Provider", "PostgreSql")]
    [InlineData("ActorChat__Cluster__HeartbeatPause", "00:00:02")]
    [InlineData("ActorChat__Auth__SigningKey", null)]
    public void A_key_and_value_the_app_takes_pass(string name, string? value) =>
        Assert.Null(DeploymentSettings.Problem(name, value));

    [Fact]
    public void Every_ActorChat_variable_of_every_file_names_a_setting_of_the_app_with_a_value_it_takes()
    {
        var environments = DeploymentFiles.Environments().ToList();

        Assert.Contains(environments, e => e.Where.StartsWith("deploy/compose.yaml", StringComparison.Ordinal));
        Assert.Contains(environments, e => e.Where.StartsWith("deploy/kubernetes", StringComparison.Ordinal));
        var problems = environments
            .SelectMany(e => e.Variables.Select(v => DeploymentSettings.Problem(v.Name, v.Value) is { } problem ? $"{e.Where}: {problem}" : null))
            .OfType<string>().ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_image_runs_the_host_on_all_interfaces_and_exposes_its_http_cluster_and_bootstrap_ports()
    {
        var runtime = DeploymentFiles.Dockerfile().Runtime;
        var environment = runtime.Environment().ToList();
        var exposed = runtime.Arguments("EXPOSE").SelectMany(ports => ports.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(port => int.Parse(port.Split('/')[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var listen = HttpAddress(environment, runtime.ExecForm("ENTRYPOINT").Concat(runtime.ExecForm("CMD")));

        Assert.Equal(["dotnet", typeof(ChatApp).Assembly.GetName().Name + ".dll"], runtime.ExecForm("ENTRYPOINT"));
        Assert.Equal("0.0.0.0", listen.Host);
        Assert.Contains(listen.Port, exposed);
        Assert.Contains(DeploymentSettings.Int(environment, "ActorChat__Cluster__Port", new ClusterSettings().Port), exposed);
        Assert.Contains(DeploymentSettings.Int(environment, "ActorChat__Cluster__BootstrapPort", new ClusterSettings().BootstrapPort), exposed);
        Assert.Equal("0.0.0.0", DeploymentSettings.Literal(environment, "ActorChat__Cluster__Hostname"));
    }

    [Fact]
    public void No_file_sets_the_listening_address_through_a_variable_that_appsettings_json_outranks()
    {
        // ASP.NET Core reads ASPNETCORE_-prefixed variables before appsettings.json, whose Urls then wins over them.
        using var appsettings = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "appsettings.json")));
        Assert.True(appsettings.RootElement.TryGetProperty("Urls", out _), "appsettings.json no longer names Urls: ASPNETCORE_URLS would work again");

        var outranked = DeploymentFiles.Environments().SelectMany(e => e.Variables.Where(v => v.Name is "ASPNETCORE_URLS" or "ASPNETCORE_HTTP_PORTS" or "ASPNETCORE_HTTPS_PORTS" && !string.IsNullOrEmpty(v.Value))
            .Select(v => $"{e.Where}: {v.Name}")).ToList();
        Assert.True(outranked.Count == 0, $"appsettings.json's Urls overrides these; set Urls instead: {string.Join(", ", outranked)}");
    }

    [Fact]
    public void The_image_runs_as_a_user_other_than_root_keeps_its_data_on_a_volume_and_carries_no_secret()
    {
        var dockerfile = DeploymentFiles.Dockerfile();
        var runtime = dockerfile.Runtime;
        var user = runtime.Arguments("USER").LastOrDefault();
        var dataDirectory = DeploymentSettings.Literal(runtime.Environment(), "ActorChat__Storage__DataDirectory");

        Assert.NotNull(user);
        Assert.DoesNotMatch(@"^(root|0)(:.*)?$", user);
        Assert.NotNull(dataDirectory);
        Assert.StartsWith("/", dataDirectory, StringComparison.Ordinal);
        Assert.Contains(runtime.Arguments("VOLUME"), volume => volume.Trim('[', ']', '"', ' ') == dataDirectory);
        var secrets = dockerfile.Stages.SelectMany(stage => stage.Environment().Select(v => v.Name)
                .Concat(stage.Arguments("ARG").Select(arg => arg.Split('=')[0])))
            .Where(DeploymentSettings.LooksSecret).ToList();
        Assert.True(secrets.Count == 0, $"the image would carry these to everyone who pulls it: {string.Join(", ", secrets)}");
    }

    [Fact]
    public void The_image_is_built_from_files_that_exist_restoring_from_the_project_files_alone()
    {
        var steps = DeploymentFiles.Dockerfile().Stages[0].Instructions.ToList();
        var restore = steps.FindIndex(i => i.Name == "RUN" && i.Arguments.StartsWith("dotnet restore", StringComparison.Ordinal));
        var publish = steps.FindIndex(i => i.Name == "RUN" && i.Arguments.StartsWith("dotnet publish", StringComparison.Ordinal));
        var beforeRestore = CopySources(steps.Take(restore)).ToList();
        var sources = CopySources(steps.Take(publish)).ToList();
        var project = steps[publish].Arguments.Split(' ')[2];
        var ignored = DeploymentFiles.Read(".dockerignore").Split('\n').Select(line => line.Trim().TrimEnd('/')).Where(line => line.Length > 0 && !line.StartsWith('#')).ToHashSet();

        Assert.True(restore > 0 && publish > restore, "the build stage must restore, then publish");
        Assert.Equal(typeof(ChatApp).Assembly.GetName().Name + ".csproj", Path.GetFileName(project));
        Assert.All(sources, source => Assert.True(File.Exists(DeploymentFiles.PathOf(source)) || Directory.Exists(DeploymentFiles.PathOf(source)), $"COPY {source}: no such file"));
        Assert.All(beforeRestore, source => Assert.Matches(@"(\.csproj|\.props|global\.json)$", source));
        foreach (var needed in ProjectClosure(project))
            Assert.Contains(needed, beforeRestore);
        // What the host project takes from outside its folder (HOCON.conf, the page) must be in the build stage too.
        foreach (var linked in LinkedFromRoot(project))
            Assert.Contains(sources, source => source.TrimEnd('/') == linked);
        Assert.All(sources, source => Assert.DoesNotContain(source.Split('/')[0], ignored));
    }

    [Fact]
    public async Task The_probes_answer_and_every_grace_period_outlasts_the_hand_off_of_a_node_told_to_stop()
    {
        await using var server = await ChatServer.StartAsync();
        var system = server.Services.GetRequiredService<ActorSystem>();
        // On SIGTERM the host gives the web server up to its shutdown timeout to close the sockets, and Akka.Hosting
        // then runs the coordinated shutdown (hand the shards over, leave, stop), each phase bounded by its timeout.
        var handOff = server.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout + CoordinatedShutdown.Get(system).TotalTimeout;

        foreach (var type in DeploymentSettings.Classes.Values)
            Assert.True(server.Services.GetService(type) is not null, $"{type.Name} has a Section but the app does not bind it");
        foreach (var path in DeploymentFiles.ProbePaths())
            Assert.NotEqual(HttpStatusCode.NotFound, (await server.Http.GetAsync(path)).StatusCode);
        foreach (var (where, grace) in DeploymentFiles.GracePeriods())
            Assert.True(grace > handOff, $"{where}: {grace.TotalSeconds} s is not more than the {handOff.TotalSeconds} s a node may take to hand off its rooms");
    }

    /// <summary>Where the server listens: --urls on the command line, or the Urls variable.</summary>
    private static Uri HttpAddress(IEnumerable<EnvVar> environment, IEnumerable<string> command)
    {
        var args = command.ToList();
        var flag = args.FindIndex(arg => arg.StartsWith("--urls", StringComparison.OrdinalIgnoreCase));
        var urls = flag < 0 ? DeploymentSettings.Literal(environment, "Urls")
            : args[flag].Contains('=', StringComparison.Ordinal) ? args[flag].Split('=', 2)[1] : args[flag + 1];
        Assert.False(string.IsNullOrEmpty(urls), "the image sets no Urls: the server would listen on appsettings.json's localhost:5000");
        return new Uri(urls.Split(';')[0].Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal));
    }

    /// <summary>What COPY instructions take from the build context (not from another stage): every path but the destination.</summary>
    private static IEnumerable<string> CopySources(IEnumerable<Dockerfile.Instruction> instructions) =>
        instructions.Where(i => i.Name == "COPY" && !i.Arguments.StartsWith("--from", StringComparison.Ordinal))
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1]);

    private static IEnumerable<string> ProjectClosure(string project)
    {
        yield return project;
        var folder = Path.GetDirectoryName(project)!;
        foreach (var reference in XDocument.Load(DeploymentFiles.PathOf(project)).Descendants("ProjectReference"))
        {
            var path = Path.GetRelativePath(DeploymentFiles.Root, Path.GetFullPath(Path.Combine(DeploymentFiles.PathOf(folder), reference.Attribute("Include")!.Value.Replace('\\', '/'))));
            foreach (var inner in ProjectClosure(path.Replace('\\', '/')))
                yield return inner;
        }
    }

    /// <summary>The first path segment of every item the project includes from above its own folder.</summary>
    private static IEnumerable<string> LinkedFromRoot(string project) =>
        XDocument.Load(DeploymentFiles.PathOf(project)).Descendants().Select(item => item.Attribute("Include")?.Value)
            .OfType<string>().Where(include => include.StartsWith(@"..\..\", StringComparison.Ordinal))
            .Select(include => include[6..].Split('\\')[0]).Distinct();
}
