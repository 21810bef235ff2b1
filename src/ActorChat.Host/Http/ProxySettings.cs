using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace ActorChat.Host.Http;

/// <summary>The reverse proxies whose forwarding headers are believed, bound from the <c>ActorChat:Proxy</c> section.</summary>
public sealed class ProxySettings
{
    public const string Section = "ActorChat:Proxy";

    /// <summary>
    /// Addresses (<c>10.0.0.5</c>) or networks (<c>10.0.0.0/8</c>, <c>fd00::/8</c>) of the proxies in front of the
    /// server. A request from one of them is taken to come from the address and scheme its <c>X-Forwarded-For</c>
    /// and <c>X-Forwarded-Proto</c> name, so that rate limits, the origin check and the cookie's <c>Secure</c> flag
    /// follow the real client. Empty: no forwarding header is believed, whoever sends it.
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];

    public void Validate() => _ = Networks().ToList();

    /// <summary>Whether any proxy is configured: with none, forwarding headers are not read at all.</summary>
    public bool Any => TrustedProxies.Length > 0;

    /// <summary>The forwarded-headers options that trust exactly the configured proxies, however many sit in a chain.</summary>
    /// <remarks>
    /// Only for a non-empty list: ASP.NET Core checks the sender against the known proxies only while one of its
    /// lists has an entry, so options with empty lists believe the headers from anyone.
    /// </remarks>
    public ForwardedHeadersOptions ForwardedHeaders()
    {
        if (!Any)
            throw new InvalidOperationException("No trusted proxy is configured: forwarding headers must not be read.");
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto,
            // Walk X-Forwarded-For from the nearest hop back while each hop is a trusted proxy; the first one that is
            // not is the client. A fixed count would let a client behind one proxy pose as any address it likes.
            ForwardLimit = null,
        };
        // ASP.NET Core trusts loopback out of the box: here only what the operator lists is trusted.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var network in Networks())
            options.KnownIPNetworks.Add(network);
        return options;
    }

    private IEnumerable<System.Net.IPNetwork> Networks()
    {
        foreach (var entry in TrustedProxies)
        {
            var text = entry.Trim();
            if (IPAddress.TryParse(text, out var address))
            {
                yield return new System.Net.IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
                // A dual-stack listener sees an IPv4 proxy as its IPv6-mapped address.
                if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
                    yield return new System.Net.IPNetwork(address.MapToIPv6(), 128);
            }
            else if (System.Net.IPNetwork.TryParse(text, out var network))
                yield return network;
            else
                throw new InvalidOperationException($"{Section}:{nameof(TrustedProxies)}: '{entry}' is neither an IP address nor a network such as 10.0.0.0/8.");
        }
    }
}
