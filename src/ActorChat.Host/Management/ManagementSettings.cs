namespace ActorChat.Host.Management;

/// <summary>
/// The management endpoint (Prometheus metrics, which node runs a room, the operator console), bound from the
/// <c>ActorChat:Management</c> configuration section. It is a listener of its own, apart from the public <c>Urls</c>.
/// </summary>
public sealed class ManagementSettings
{
    public const string Section = "ActorChat:Management";

    /// <summary>
    /// Where the management endpoint listens: one or more <c>http://host:port</c> separated by <c>;</c>, on a port
    /// of its own. Loopback by default, so only this machine (a local scraper, an operator's curl) reaches it; port 0
    /// picks a free port. Empty turns the endpoint off, and with it the collection of metrics.
    /// </summary>
    public string Urls { get; set; } = "http://127.0.0.1:9464";

    /// <summary>The configured addresses, without empty entries.</summary>
    public IReadOnlyList<string> Addresses =>
        Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public bool Enabled => Addresses.Count > 0;

    public void Validate()
    {
        foreach (var url in Addresses)
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(url);
            }
            catch (FormatException)
            {
                throw new InvalidOperationException($"{Section}:{nameof(Urls)} has '{url}', which is not an address like http://127.0.0.1:9464.");
            }
            if (address.Scheme != "http" || address.IsUnixPipe || address.IsNamedPipe || address.PathBase.Length > 0
                || address.Port is < 0 or > 65535)
            {
                throw new InvalidOperationException($"{Section}:{nameof(Urls)} has '{url}': each address must be http://host:port, with no path.");
            }
        }
    }
}
