using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Hosting;
using Akka.Remote.Transport.DotNetty;

namespace ActorChat.Hosting;

/// <summary>
/// Node-to-node TLS with mutual authentication: every node presents a certificate of its own, and accepts a peer
/// (as server and as client alike) only if the peer's certificate chains to the one configured CA. The system's
/// trusted roots play no part: a certificate from a public CA, or from any other private one, is refused.
/// </summary>
public static class NodeTls
{
    /// <summary>The remoting TLS options for <paramref name="cluster"/>; null when it configures no certificate (plain TCP).</summary>
    public static SslOptions? Options(ClusterSettings cluster)
    {
        if (string.IsNullOrEmpty(cluster.TlsCertificatePath))
            return null;
        var certificate = X509CertificateLoader.LoadPkcs12FromFile(cluster.TlsCertificatePath,
            string.IsNullOrEmpty(cluster.TlsCertificatePassword) ? null : cluster.TlsCertificatePassword);
        if (!certificate.HasPrivateKey)
            throw new InvalidOperationException($"{ClusterSettings.Section}:{nameof(ClusterSettings.TlsCertificatePath)} must hold the node's private key (PKCS#12).");
        var authority = X509CertificateLoader.LoadCertificateFromFile(cluster.TlsCaPath);
        return new SslOptions
        {
            X509Certificate = certificate,
            SuppressValidation = false,
            RequireMutualAuthentication = true,
            // Nodes are reached by address, often an IP; what proves a peer is its CA, not a name.
            ValidateCertificateHostname = false,
            CustomValidator = SignedBy(authority),
        };
    }

    /// <summary>Accepts a peer certificate only when it chains to <paramref name="authority"/> alone, and is in date.</summary>
    public static CertificateValidationCallback SignedBy(X509Certificate2 authority) => (certificate, _, peer, _, log) =>
    {
        if (certificate is null)
        {
            log.Warning("Refused a node-to-node connection from {0}: it presented no certificate", peer);
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        // A private CA publishes no revocation lists; refusing a node is done by replacing the CA or its certificates.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain.Build(certificate))
            return true;
        log.Warning("Refused a node-to-node connection from {0}: its certificate {1} does not chain to the cluster's CA ({2})",
            peer, certificate.Subject, string.Join(", ", chain.ChainStatus.Select(status => status.Status)));
        return false;
    };
}
