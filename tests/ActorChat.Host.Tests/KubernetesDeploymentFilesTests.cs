using ActorChat.Hosting;
using YamlDotNet.RepresentationModel;

namespace ActorChat.Host.Tests;

/// <summary>deploy/kubernetes/ against the app and the image: see <see cref="DeploymentFilesTests"/>.</summary>
public sealed class KubernetesDeploymentFilesTests
{
    private static readonly IReadOnlyList<(string File, YamlMappingNode Object)> Objects = DeploymentFiles.Kubernetes();
    private static readonly List<EnvVar> Image = DeploymentFiles.Dockerfile().Runtime.Environment().ToList();
    private static readonly YamlMappingNode Workload = Objects.Select(entry => entry.Object).Single(o => o.Text("kind") is "StatefulSet" or "Deployment");
    private static readonly YamlNode Pod = Workload.At("spec", "template")!;
    private static readonly YamlNode Container = Pod.Items("spec", "containers").Single();
    private static readonly List<EnvVar> NodeEnvironment = [.. Image, .. DeploymentFiles.ContainerEnvironment(Container)];

    [Fact]
    public void The_pods_find_each_other_through_the_api_by_the_label_and_port_name_the_app_looks_up()
    {
        var serviceName = DeploymentSettings.Literal(NodeEnvironment, "ActorChat__Cluster__ServiceName") ?? new ClusterSettings().ServiceName;
        var publicHostname = NodeEnvironment.Last(v => v.Name == "ActorChat__Cluster__PublicHostname");

        Assert.Equal(nameof(ClusterDiscovery.Kubernetes), DeploymentSettings.Literal(NodeEnvironment, "ActorChat__Cluster__Discovery"));
        Assert.Equal(serviceName, Pod.Text("metadata", "labels", "app"));
        Assert.Equal("status.podIP", publicHostname.From.Text("fieldRef", "fieldPath"));
        Assert.Equal("0.0.0.0", DeploymentSettings.Literal(NodeEnvironment, "ActorChat__Cluster__Hostname"));
        Assert.Equal(Port(ClusterFormation.BootstrapPortName), DeploymentSettings.Int(NodeEnvironment, "ActorChat__Cluster__BootstrapPort", new ClusterSettings().BootstrapPort));
        Assert.Contains(DeploymentSettings.Int(NodeEnvironment, "ActorChat__Cluster__Port", new ClusterSettings().Port), Ports().Values);
        Assert.Equal(new Uri(DeploymentSettings.Literal(NodeEnvironment, "Urls")!).Port, Port("http"));
        // One at a time, the first pod would wait for the contact points of pods that are started only once it is ready.
        Assert.True(Workload.Text("kind") == "Deployment" || Workload.Text("spec", "podManagementPolicy") == "Parallel", "pods must start together");
        Assert.All(Workload.Entries("spec", "selector", "matchLabels"), label => Assert.Equal(label.Value.Text(), Pod.Text("metadata", "labels", label.Key)));
    }

    [Fact]
    public void The_pods_service_account_may_list_and_watch_the_pods_of_its_namespace()
    {
        var account = Pod.Text("spec", "serviceAccountName");
        var binding = Single("RoleBinding");
        var role = Single("Role");

        Assert.NotNull(account);
        Assert.Equal(Workload.Text("metadata", "namespace"), Single("ServiceAccount").Text("metadata", "namespace"));
        Assert.Equal(account, Single("ServiceAccount").Text("metadata", "name"));
        Assert.Contains(binding.Items("subjects"), subject => subject.Text("kind") == "ServiceAccount" && subject.Text("name") == account
            && subject.Text("namespace") == Workload.Text("metadata", "namespace"));
        Assert.Equal(("Role", role.Text("metadata", "name")), (binding.Text("roleRef", "kind"), binding.Text("roleRef", "name")));
        var rule = Assert.Single(role.Items("rules"), rule => rule.Items("resources").Any(r => r.Text() == "pods"));
        Assert.Equal(new HashSet<string?> { "get", "list", "watch" }, rule.Items("verbs").Select(verb => verb.Text()).ToHashSet());
        Assert.Equal([""], rule.Items("apiGroups").Select(group => group.Text()));
    }

    [Fact]
    public void Probes_ask_healthz_for_liveness_and_readyz_for_readiness_on_the_http_port()
    {
        Assert.Equal("/healthz", Container.Text("livenessProbe", "httpGet", "path"));
        Assert.Equal("/readyz", Container.Text("readinessProbe", "httpGet", "path"));
        // Until a node has joined, /healthz is 503: a startup probe keeps the liveness probe from killing it meanwhile.
        Assert.Equal("/healthz", Container.Text("startupProbe", "httpGet", "path"));
        foreach (var probe in DeploymentFiles.Probes)
        {
            var port = Container.Text(probe, "httpGet", "port");
            Assert.Equal(Port("http"), int.TryParse(port, out var number) ? number : Port(port!));
        }
    }

    [Fact]
    public void The_services_reach_ports_the_container_names_and_select_its_pods()
    {
        var services = Objects.Select(entry => entry.Object).Where(o => o.Text("kind") == "Service").ToList();
        var headless = Assert.Single(services, service => service.Text("spec", "clusterIP") == "None");

        Assert.Equal(Workload.Text("spec", "serviceName") ?? headless.Text("metadata", "name"), headless.Text("metadata", "name"));
        Assert.Contains(services, service => service.Items("spec", "ports").Any(port => port.Text("targetPort") == "http"));
        foreach (var service in services)
        {
            Assert.All(service.Entries("spec", "selector"), label => Assert.Equal(label.Value.Text(), Pod.Text("metadata", "labels", label.Key)));
            Assert.All(service.Items("spec", "ports"), port => Assert.True(Ports().ContainsKey(port.Text("targetPort")!), $"{service.Text("metadata", "name")}: no container port {port.Text("targetPort")}"));
        }
    }

    [Fact]
    public void Secrets_come_from_a_secret_and_the_pods_run_as_the_image_user_within_limits_one_disruption_at_a_time()
    {
        foreach (var name in new[] { "ActorChat__Auth__SigningKey", "ActorChat__Storage__ConnectionString" })
            Assert.NotNull(NodeEnvironment.Single(v => v.Name == name).From.At("secretKeyRef", "name"));
        Assert.DoesNotContain(NodeEnvironment, v => DeploymentSettings.LooksSecret(v.Name) && v.Value is not null);
        Assert.DoesNotContain(Objects, entry => entry.Object.Text("kind") == "Secret");

        Assert.Equal("true", Pod.Text("spec", "securityContext", "runAsNonRoot"));
        Assert.NotEqual("0", Pod.Text("spec", "securityContext", "runAsUser"));
        Assert.Equal("false", Container.Text("securityContext", "allowPrivilegeEscalation"));
        Assert.NotNull(Container.Text("resources", "requests", "memory"));
        Assert.NotNull(Container.Text("resources", "limits", "memory"));
        // The data directory is writable on a read-only root.
        var data = DeploymentSettings.Literal(NodeEnvironment, "ActorChat__Storage__DataDirectory");
        Assert.Contains(Container.Items("volumeMounts"), mount => mount.Text("mountPath") == data);

        var budget = Single("PodDisruptionBudget");
        Assert.Equal("1", budget.Text("spec", "maxUnavailable"));
        Assert.All(budget.Entries("spec", "selector", "matchLabels"), label => Assert.Equal(label.Value.Text(), Pod.Text("metadata", "labels", label.Key)));
    }

    [Fact]
    public void The_kustomization_applies_every_manifest_of_the_folder()
    {
        var kustomization = Objects.Single(entry => entry.File == "kustomization.yaml").Object;
        var manifests = Objects.Select(entry => entry.File).Where(file => file != "kustomization.yaml").ToHashSet();

        Assert.Equal(manifests, kustomization.Items("resources").Select(resource => resource.Text()!).ToHashSet());
    }

    private static YamlMappingNode Single(string kind) => Objects.Select(entry => entry.Object).Single(o => o.Text("kind") == kind);

    private static Dictionary<string, int> Ports() =>
        Container.Items("ports").ToDictionary(port => port.Text("name")!, port => int.Parse(port.Text("containerPort")!, System.Globalization.CultureInfo.InvariantCulture));

    private static int Port(string name) => Assert.Contains(name, (IDictionary<string, int>)Ports());
}
