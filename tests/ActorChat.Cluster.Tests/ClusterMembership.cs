using System.Net.Http.Json;
using System.Text.Json;
using ActorChat.Testing;

namespace ActorChat.Cluster.Tests;

/// <summary>The cluster as each node's management endpoint (<c>GET /cluster</c>) shows it.</summary>
public static class ClusterMembership
{
    public static async Task<JsonElement> ClusterOfAsync(ClusterNode node)
    {
        using var http = new HttpClient();
        return await http.GetFromJsonAsync<JsonElement>(new Uri(node.ManagementAddress, "/cluster"));
    }

    /// <summary>Waits until <paramref name="node"/> sees exactly the members <paramref name="expected"/>, every one Up.</summary>
    public static Task WaitForUpMembersAsync(ClusterNode node, string[] expected) =>
        Eventually.True(async () =>
        {
            var members = (await ClusterOfAsync(node)).GetProperty("members").EnumerateArray()
                .Select(member => (Address: member.GetProperty("address").GetString(), Status: member.GetProperty("status").GetString()))
                .ToList();
            return members.Count == expected.Length && members.All(member => member.Status == "up" && expected.Contains(member.Address));
        }, () => $"{node.AkkaAddress} sees exactly [{string.Join(", ", expected)}] up", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(250));

    /// <summary>Waits until every one of <paramref name="nodes"/> sees exactly them, every one Up.</summary>
    public static async Task WaitForUpMembersAsync(IReadOnlyList<ClusterNode> nodes)
    {
        var addresses = nodes.Select(n => n.AkkaAddress).ToArray();
        foreach (var node in nodes)
            await WaitForUpMembersAsync(node, addresses);
    }
}
