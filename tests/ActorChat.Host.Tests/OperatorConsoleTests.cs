using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ActorChat.Testing;
using Akka.Actor;
using Akka.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace ActorChat.Host.Tests;

/// <summary>
/// The operator console on the management port. Its figures are read from the same static instruments as the
/// metrics, so these tests run with <see cref="MetricsTests"/>, alone.
/// </summary>
[Collection(nameof(MetricsTests))]
public sealed class OperatorConsoleTests() : ServerTest("ActorChat:Management:Urls=http://127.0.0.1:0")
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private Uri Management => Server.ManagementAddress ?? throw new InvalidOperationException("the management endpoint did not start");

    [Fact]
    public async Task The_operator_console_is_served_on_the_management_port_only()
    {
        using var management = new HttpClient { BaseAddress = Management };

        var page = await management.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("operator console", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Its own scripts and styles only, nothing inline or from elsewhere.
        var policy = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
        foreach (var asset in new[] { "/console.js", "/view.js", "/format.js", "/console.css" })
        {
            var served = await management.GetAsync(asset);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await Server.Http.GetAsync(asset)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await management.GetAsync("/console/stats")).StatusCode);

        // The public address serves the chat page at its root, and nothing of the console, whatever the Host header.
        Assert.DoesNotContain("operator console", await Server.Http.GetStringAsync("/"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Server.Http.GetAsync("/console/stats")).StatusCode);
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/console/stats") { Headers = { Host = Management.Authority } };
        Assert.Equal(HttpStatusCode.NotFound, (await Server.Http.SendAsync(forged)).StatusCode);
    }

    [Fact]
    public async Task The_console_stats_show_a_conversation_from_the_same_meters()
    {
        using var management = new HttpClient { BaseAddress = Management };
        var self = Cluster.Get(Server.Services.GetRequiredService<ActorSystem>()).SelfAddress.ToString();
        // A first reading: the rates are taken over the interval from it to the next one.
        await ConsoleNodeAsync(management);

        await using var alice = await Server.ConnectAsync("console_alice");
        await alice.JoinAsync("consoled");
        for (var i = 1; i <= 3; i++)
        {
            await alice.SendAsync(new { type = "send", room = "consoled", id = $"c{i}", text = $"hello {i}" });
            await alice.ExpectAsync("ack");
        }

        var node = await Eventually.Value(() => ConsoleNodeAsync(management), n =>
            n.GetProperty("figures").ValueKind == JsonValueKind.Object
            && n.GetProperty("figures").GetProperty("messagesStoredPerSecond").GetDouble() > 0
            && n.GetProperty("figures").GetProperty("connections").GetInt64() == 1, Deadline, TimeSpan.FromMilliseconds(250));
        Assert.Equal(self, node.GetProperty("address").GetString());
        Assert.Equal("up", node.GetProperty("status").GetString());
        Assert.Equal("ok", node.GetProperty("answer").GetString());
        var figures = node.GetProperty("figures");
        Assert.True(figures.GetProperty("messagesStoredPerSecond").GetDouble() > 0, node.ToString());
        Assert.Equal(3, figures.GetProperty("messagesStored").GetInt64());
        Assert.Equal(1, figures.GetProperty("connections").GetInt64());
        Assert.Equal(1, figures.GetProperty("rooms").GetInt64());
        Assert.True(figures.GetProperty("deliveries").GetInt64() >= 5, node.ToString()); // welcome, joined, three acks
        Assert.True(figures.GetProperty("intervalSeconds").GetDouble() >= 1, node.ToString());
        var writes = figures.GetProperty("journalWrites");
        Assert.InRange(writes.GetProperty("count").GetInt64(), 1, 3);
        Assert.True(writes.GetProperty("mean").GetDouble() > 0, node.ToString());
        Assert.InRange(writes.GetProperty("p50").GetDouble(), double.Epsilon, writes.GetProperty("p99").GetDouble());
        Assert.Equal(0, figures.GetProperty("outboxOverflows").GetInt64());
        Assert.Equal(0, figures.GetProperty("unreachableNodes").GetInt32());
    }

    /// <summary>This node as the console's stats show it, the only member of its cluster.</summary>
    private static async Task<JsonElement> ConsoleNodeAsync(HttpClient management)
    {
        var stats = await management.GetFromJsonAsync<JsonElement>("/console/stats");
        return Assert.Single(stats.GetProperty("members").EnumerateArray());
    }
}
