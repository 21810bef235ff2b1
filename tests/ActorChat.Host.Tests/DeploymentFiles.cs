using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ActorChat.Host.Tests;

/// <summary>
/// The repository's deployment files (Dockerfile, deploy/compose.yaml, deploy/nginx.conf, deploy/kubernetes/), read
/// the way the tools that use them read them: the Dockerfile's instructions per stage, YAML with anchors and merge
/// keys resolved.
/// </summary>
internal static class DeploymentFiles
{
    /// <summary>
    /// The repository root: the folder above the test's binaries that holds ActorChat.sln. The files are read where
    /// they are, not copied, since the Dockerfile's checks also look at the project files and folders it names.
    /// </summary>
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    public static Dockerfile Dockerfile() => Tests.Dockerfile.Parse(Read("Dockerfile"));

    public static YamlMappingNode Compose() => (YamlMappingNode)LoadYaml(Read("deploy/compose.yaml")).Single();

    /// <summary>Every object of every YAML file in deploy/kubernetes, with the file it is in.</summary>
    public static IReadOnlyList<(string File, YamlMappingNode Object)> Kubernetes() =>
        Directory.GetFiles(PathOf("deploy/kubernetes"), "*.yaml").Order(StringComparer.Ordinal)
            .SelectMany(file => LoadYaml(File.ReadAllText(file)).Select(node => (Path.GetFileName(file), (YamlMappingNode)node)))
            .ToList();

    public static IEnumerable<YamlNode> LoadYaml(string text)
    {
        var stream = new YamlStream();
        // Compose files share a node's settings through anchors and <<: merge keys, as docker compose reads them.
        stream.Load(new MergingParser(new Parser(new StringReader(text))));
        return stream.Documents.Select(document => document.RootNode);
    }

    /// <summary>The value at <paramref name="path"/> (mapping keys, or sequence indices), or null where there is none.</summary>
    public static YamlNode? At(this YamlNode? node, params string[] path)
    {
        foreach (var key in path)
        {
            node = node switch
            {
                YamlMappingNode mapping => mapping.Children.FirstOrDefault(entry => entry.Key is YamlScalarNode scalar && scalar.Value == key).Value,
                YamlSequenceNode sequence when int.TryParse(key, out var index) && index < sequence.Children.Count => sequence.Children[index],
                _ => null,
            };
        }
        return node;
    }

    public static string? Text(this YamlNode? node, params string[] path) => (node.At(path) as YamlScalarNode)?.Value;

    public static IEnumerable<YamlNode> Items(this YamlNode? node, params string[] path) =>
        node.At(path) is YamlSequenceNode sequence ? sequence.Children : [];

    public static IEnumerable<(string Key, YamlNode Value)> Entries(this YamlNode? node, params string[] path) =>
        node.At(path) is YamlMappingNode mapping ? mapping.Children.Select(entry => (((YamlScalarNode)entry.Key).Value!, entry.Value)) : [];

    /// <summary>A compose service's environment, written as a mapping or as a list of NAME=value.</summary>
    public static IEnumerable<EnvVar> ComposeEnvironment(YamlNode service)
    {
        var environment = service.At("environment");
        if (environment is YamlSequenceNode list)
        {
            return list.Children.Select(item => ((YamlScalarNode)item).Value!.Split('=', 2))
                .Select(pair => new EnvVar(pair[0], pair.Length > 1 ? pair[1] : null));
        }
        return environment.Entries().Select(entry => new EnvVar(entry.Key, (entry.Value as YamlScalarNode)?.Value));
    }

    /// <summary>A Kubernetes container's env: a literal value, or null with the valueFrom it comes from.</summary>
    public static IEnumerable<EnvVar> ContainerEnvironment(YamlNode container) =>
        container.Items("env").Select(item => new EnvVar(item.Text("name")!, item.Text("value"), item.At("valueFrom")));

    /// <summary>The containers of every StatefulSet or Deployment, with the pod template they are in.</summary>
    public static IEnumerable<(YamlMappingNode Workload, YamlNode Container)> Containers(IEnumerable<(string File, YamlMappingNode Object)> objects) =>
        objects.Select(entry => entry.Object)
            .Where(workload => workload.Text("kind") is "StatefulSet" or "Deployment")
            .SelectMany(workload => workload.Items("spec", "template", "spec", "containers").Select(container => (workload, container)));

    /// <summary>The services of compose.yaml built from the Dockerfile: the ActorChat nodes.</summary>
    public static IEnumerable<(string Name, YamlNode Service)> ComposeNodes(YamlNode compose) =>
        compose.Entries("services").Where(service => service.Value.At("build") is not null);

    /// <summary>
    /// Every node's environment: the image's own, and each compose node's and Kubernetes container's on top of it
    /// (a later variable of the same name wins).
    /// </summary>
    public static IEnumerable<(string Where, IReadOnlyList<EnvVar> Variables)> Environments()
    {
        var image = Dockerfile().Runtime.Environment().ToList();
        yield return ("Dockerfile", image);
        foreach (var (name, service) in ComposeNodes(Compose()))
            yield return ($"deploy/compose.yaml, {name}", [.. image, .. ComposeEnvironment(service)]);
        foreach (var (workload, container) in Containers(Kubernetes()))
            yield return ($"deploy/kubernetes, {workload.Text("metadata", "name")}/{container.Text("name")}", [.. image, .. ContainerEnvironment(container)]);
    }

    public static readonly string[] Probes = ["livenessProbe", "readinessProbe", "startupProbe"];

    /// <summary>The HTTP paths that compose's health checks and the Kubernetes probes ask.</summary>
    public static IEnumerable<string> ProbePaths() =>
        ComposeNodes(Compose()).SelectMany(node => node.Service.Items("healthcheck", "test").Select(item => ((YamlScalarNode)item).Value!))
            .SelectMany(test => Regex.Matches(test, @"GET (?<path>/\S*)").Select(match => match.Groups["path"].Value))
            .Concat(Containers(Kubernetes()).SelectMany(entry => Probes.Select(probe => entry.Container.Text(probe, "httpGet", "path")).OfType<string>()))
            .Distinct();

    /// <summary>How long each node is given between SIGTERM and SIGKILL: compose's stop_grace_period, the pods' terminationGracePeriodSeconds.</summary>
    public static IEnumerable<(string Where, TimeSpan Grace)> GracePeriods() =>
        ComposeNodes(Compose()).Select(node => ($"deploy/compose.yaml, {node.Name}", ComposeDuration(node.Service.Text("stop_grace_period") ?? "10s")))
            .Concat(Kubernetes().Where(entry => entry.Object.Text("kind") is "StatefulSet" or "Deployment")
                .Select(entry => ($"deploy/kubernetes/{entry.File}",
                    TimeSpan.FromSeconds(int.Parse(entry.Object.Text("spec", "template", "spec", "terminationGracePeriodSeconds") ?? "30", CultureInfo.InvariantCulture)))));

    /// <summary>A compose duration such as 90s or 1m30s.</summary>
    public static TimeSpan ComposeDuration(string text) =>
        Regex.Matches(text, @"(?<n>\d+)(?<unit>ms|h|m|s)").Aggregate(TimeSpan.Zero, (sum, part) => sum + (part.Groups["unit"].Value switch
        {
            "h" => TimeSpan.FromHours(int.Parse(part.Groups["n"].Value, CultureInfo.InvariantCulture)),
            "m" => TimeSpan.FromMinutes(int.Parse(part.Groups["n"].Value, CultureInfo.InvariantCulture)),
            "s" => TimeSpan.FromSeconds(int.Parse(part.Groups["n"].Value, CultureInfo.InvariantCulture)),
            _ => TimeSpan.FromMilliseconds(int.Parse(part.Groups["n"].Value, CultureInfo.InvariantCulture)),
        }));

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ActorChat.sln")))
                return folder.FullName;
        }
        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds ActorChat.sln.");
    }
}

/// <summary>One environment variable as a deployment file sets it; <see cref="Value"/> is null when it comes from elsewhere.</summary>
internal sealed record EnvVar(string Name, string? Value, YamlNode? From = null);
