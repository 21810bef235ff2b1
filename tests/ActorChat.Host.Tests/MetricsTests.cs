using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ActorChat.Testing;
using Akka.Actor;
using Akka.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace ActorChat.Host.Tests;

/// <summary>
/// The instruments are static, so every server in this process counts into them: these tests run on their own,
/// after the others, so that a count of open connections is this server's alone.
/// </summary>
[CollectionDefinition(nameof(MetricsTests), DisableParallelization = true)]
public sealed class MetricsTestsRunAlone;

[Collection(nameof(MetricsTests))]
public sealed class MetricsTests() : ServerTest("ActorChat:Management:Urls=http://127.0.0.1:0")
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private Uri Management => Server.ManagementAddress ?? throw new InvalidOperationException("the management endpoint did not start");

    [Fact]
    public async Task A_conversation_shows_in_the_metrics_on_the_management_port()
    {
        var alice = await Server.ConnectAsync("metric_alice");
        var bob = await Server.ConnectAsync("metric_bob");
        var received = 2; // the welcomes
        await alice.JoinAsync("metered");
        await bob.JoinAsync("metered");
        await alice.ExpectAsync("presence");
        received += 3;

        for (var i = 1; i <= 3; i++)
            await alice.SendAsync(new { type = "send", room = "metered", id = $"a{i}", text = $"hello {i}" });
        for (var i = 1; i <= 3; i++)
        {
            await alice.ExpectAsync("ack");
            await bob.ExpectAsync("message");
        }
        await bob.SendAsync(new { type = "send", room = "metered", id = "b1", text = "hi alice" });
        await bob.ExpectAsync("ack");
        Assert.Equal("hi alice", (await alice.ExpectAsync("message")).GetProperty("text").GetString());
        received += 8;
        const int sent = 4;

        var during = await ScrapeUntilAsync(m =>
            m.Value("actorchat_connections_open") == 2
            && m.Value("actorchat_messages_stored_total") >= sent
            && m.Value("actorchat_deliveries_total") >= received
            && m.Value("actorchat_fanout_delay_milliseconds_count") >= sent);
        Assert.True(during.Value("actorchat_rooms_active") >= 1, during.Text);
        Assert.True(during.Value("actorchat_journal_write_duration_milliseconds_count") >= 1, during.Text);
        Assert.Equal(0, during.Value("actorchat_outbox_overflows_total"));
        Assert.Equal(1, during.Value("actorchat_cluster_members"));
        Assert.Equal(0, during.Value("actorchat_cluster_unreachable"));
        Assert.DoesNotContain("metered", during.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("metric_alice", during.Text, StringComparison.Ordinal);

        await alice.DisposeAsync();
        await bob.DisposeAsync();
        await ScrapeUntilAsync(m => m.Value("actorchat_connections_open") == 0);
    }

    [Fact]
    public async Task Metrics_are_served_on_the_management_port_only()
    {
        using var management = new HttpClient { BaseAddress = Management };
        Assert.Equal(HttpStatusCode.OK, (await management.GetAsync("/metrics")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await Server.Http.GetAsync("/metrics")).StatusCode);
        // Not by a Host header that names the management port either: the public listener has no such route.
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Host = Management.Authority } };
        Assert.Equal(HttpStatusCode.NotFound, (await Server.Http.SendAsync(forged)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Server.Http.GetAsync("/rooms/lobby/node")).StatusCode);
        // And the chat is not served on the management port: its root is the operator console, not the chat page.
        Assert.Equal(HttpStatusCode.NotFound, (await management.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await management.GetAsync("/index.html")).StatusCode);
        Assert.Contains("operator console", await management.GetStringAsync("/"), StringComparison.Ordinal);
        Assert.Equal("127.0.0.1", Management.Host);
    }

    [Fact]
    public async Task The_management_port_tells_which_node_runs_a_room()
    {
        using var management = new HttpClient { BaseAddress = Management };
        var self = Cluster.Get(Server.Services.GetRequiredService<ActorSystem>()).SelfAddress.ToString();
        await using var alice = await Server.ConnectAsync("locator");
        await alice.JoinAsync("located");

        var running = await management.GetAsync("/rooms/located/node");
        var idle = await management.GetAsync("/rooms/never-joined/node");
        var invalid = await management.GetAsync("/rooms/Not%20A%20Room/node");

        Assert.Equal(HttpStatusCode.OK, running.StatusCode);
        var body = await running.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("located", body.GetProperty("room").GetString());
        Assert.Equal(self, body.GetProperty("node").GetString());
        Assert.StartsWith("akka.tcp://actorchat@127.0.0.1:", self, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, idle.StatusCode);
        Assert.Equal(self, (await idle.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("node").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("invalid_room", (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_management_port_lists_the_cluster_members_as_this_node_sees_them()
    {
        using var management = new HttpClient { BaseAddress = Management };
        var self = Cluster.Get(Server.Services.GetRequiredService<ActorSystem>()).SelfAddress.ToString();

        var cluster = await management.GetFromJsonAsync<JsonElement>("/cluster");

        Assert.Equal(self, cluster.GetProperty("self").GetString());
        Assert.Equal(self, cluster.GetProperty("leader").GetString());
        var member = Assert.Single(cluster.GetProperty("members").EnumerateArray());
        Assert.Equal(self, member.GetProperty("address").GetString());
        Assert.Equal("up", member.GetProperty("status").GetString());
        Assert.True(member.GetProperty("reachable").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await Server.Http.GetAsync("/cluster")).StatusCode);
    }

    /// <summary>Scrapes the management endpoint until <paramref name="done"/> holds, or fails with the last scrape at the deadline.</summary>
    private async Task<Scrape> ScrapeUntilAsync(Func<Scrape, bool> done)
    {
        using var management = new HttpClient { BaseAddress = Management };
        // The exporter caches a scrape for a moment; asking again at once would read the same one.
        var scrape = await Eventually.Value(async () =>
        {
            var response = await management.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return new Scrape(await response.Content.ReadAsStringAsync());
        }, done, Deadline);
        Assert.True(done(scrape), $"the metrics never got there:\n{scrape.Text}");
        return scrape;
    }

    /// <summary>One Prometheus text-format scrape: the value of each sample by metric name (labels aside).</summary>
    private sealed class Scrape(string text)
    {
        public string Text { get; } = text;

        public double? Value(string name)
        {
            double? sum = null;
            foreach (var line in Text.Split('\n'))
            {
                if (line.StartsWith('#') || line.Length == 0)
                    continue;
                var end = line.IndexOfAny(['{', ' ']);
                if (end < 0 || line[..end] != name)
                    continue;
                var value = line[(line.LastIndexOf(' ') + 1)..];
                sum = (sum ?? 0) + double.Parse(value, CultureInfo.InvariantCulture);
            }
            return sum;
        }
    }
}

public sealed class ManagementStartupTests
{
    [Theory]
    [InlineData("https://127.0.0.1:9464")]
    [InlineData("http://127.0.0.1:9464/admin")]
    [InlineData("not an address")]
    public void A_management_address_that_is_not_plain_http_is_refused_at_start(string urls)
    {
        var refused = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => ChatApp.Create([$"--ActorChat:Management:Urls={urls}"]));

        Assert.Contains("ActorChat:Management:Urls", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_whose_management_port_is_taken_serves_chat_without_it()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        await using var server = await ChatServer.StartAsync(null, $"ActorChat:Management:Urls=http://127.0.0.1:{port}");
        await using var alice = await server.ConnectAsync("crowded");

        Assert.Null(server.ManagementAddress);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/healthz")).StatusCode);
        await alice.JoinAsync("still-here");
    }
}
