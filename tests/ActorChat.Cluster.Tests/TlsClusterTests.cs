using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorChat.Testing;

namespace ActorChat.Cluster.Tests;

/// <summary>Nodes that talk over TLS with mutual authentication, trusting only the cluster's own CA.</summary>
public sealed class TlsClusterTests : IAsyncLifetime
{
    private readonly PostgresServer _postgres = new();
    private readonly List<ClusterNode> _nodes = [];
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly string _folder = Directory.CreateTempSubdirectory("actorchat-tls-").FullName;

    public Task InitializeAsync() => _postgres.InitializeAsync();

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
            await node.DisposeAsync();
        await _postgres.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private static X509Certificate2 Authority(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    /// <summary>A node's certificate, for TLS both as server and as client, written as PKCS#12 with its key; returns the path.</summary>
    private string NodeCertificate(X509Certificate2 authority, string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var signed = request.Create(authority, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7), RandomNumberGenerator.GetBytes(16));
        using var withKey = signed.CopyWithPrivateKey(key);
        var path = Path.Combine(_folder, name + ".pfx");
        File.WriteAllBytes(path, withKey.Export(X509ContentType.Pkcs12, "node secret"));
        return path;
    }

    private string Pem(X509Certificate2 authority, string name)
    {
        var path = Path.Combine(_folder, name + ".pem");
        File.WriteAllText(path, authority.ExportCertificatePem());
        return path;
    }

    private static string[] Tls(string certificate, string authority) =>
    [
        $"ActorChat:Cluster:TlsCertificatePath={certificate}",
        "ActorChat:Cluster:TlsCertificatePassword=node secret",
        $"ActorChat:Cluster:TlsCaPath={authority}",
    ];

    [Fact]
    public async Task Nodes_with_certificates_of_the_clusters_CA_chat_over_TLS_and_a_node_of_another_CA_is_refused()
    {
        using var clusterCa = Authority("ActorChat test cluster CA");
        using var otherCa = Authority("Someone else's CA");
        var trusted = Pem(clusterCa, "cluster-ca");
        var database = await _postgres.CreateDatabaseAsync();
        var first = await ClusterNode.StartAsync(database, _key, settings: Tls(NodeCertificate(clusterCa, "node-a"), trusted));
        _nodes.Add(first);
        var second = await ClusterNode.StartAsync(database, _key, [first.AkkaAddress], Tls(NodeCertificate(clusterCa, "node-b"), trusted));
        _nodes.Add(second);

        // A room on one node, members on both: what one says reaches the other across the TLS link.
        await ClusterClients.RegisterAsync(first, "alice");
        await ClusterClients.RegisterAsync(first, "bob");
        await using var alice = await ClusterClients.ConnectAsync(first, "alice");
        await using var bob = await ClusterClients.ConnectAsync(second, "bob");
        await alice.JoinAsync("secure");
        await bob.JoinAsync("secure");
        await alice.SendAsync(new { type = "send", room = "secure", id = "m1", text = "over TLS" });
        var message = await bob.ExpectSkippingAsync("message", "presence", "read");
        Assert.Equal("over TLS", message.GetProperty("text").GetString());

        // A node whose certificate another CA signed (trusting that CA itself) never gets in.
        var intruder = await ClusterNode.StartAsync(database, _key, [first.AkkaAddress],
            Tls(NodeCertificate(otherCa, "intruder"), Pem(otherCa, "other-ca")), waitUntilReady: false);
        _nodes.Add(intruder);
        await Eventually.True(() => first.Output.Contains("does not chain to the cluster's CA", StringComparison.Ordinal),
            () => $"the first node refuses the intruder:\n{first.OutputTail}\n--- intruder\n{intruder.OutputTail}", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));
        // The intruder never becomes a member. Akka.Remote stops a node whose own TLS handshake failed (it exits), and
        // if its web server answers before that, it says it is not ready.
        HttpStatusCode? readiness = null;
        await Eventually.True(async () =>
        {
            try
            {
                readiness = (await intruder.Http.GetAsync("/readyz")).StatusCode;
            }
            catch (HttpRequestException)
            {
                // Not listening, or gone.
            }
            return readiness is not null || intruder.HasExited;
        }, () => $"the intruder answers or exits:\n{intruder.OutputTail}", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
        if (readiness is not null)
            Assert.Equal(HttpStatusCode.ServiceUnavailable, readiness);
        await bob.ExpectNothingPendingAsync();
    }
}
