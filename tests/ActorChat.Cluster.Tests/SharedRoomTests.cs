using System.Net.Http.Json;
using System.Text.Json;

namespace ActorChat.Cluster.Tests;

public sealed class SharedRoomTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Clients_on_different_nodes_share_a_room_and_see_one_gapless_stream()
    {
        await using var alice = await cluster.ConnectAsync(cluster.First, "alice_n1");
        await using var bob = await cluster.ConnectAsync(cluster.Second, "bob_n2");
        await using var carol = await cluster.ConnectAsync(cluster.Second, "carol_n2");
        await alice.JoinAsync("across");
        await bob.JoinAsync("across");
        await carol.JoinAsync("across");

        for (var i = 1; i <= 20; i++)
        {
            await alice.SendAsync(new { type = "send", room = "across", id = $"a{i}", text = $"from node one {i}" });
            await bob.SendAsync(new { type = "send", room = "across", id = $"b{i}", text = $"from node two {i}" });
        }

        // Every member sees seqs 1..40 once and in order: its own as acks, everyone else's as messages.
        foreach (var (client, user) in new[] { (alice, "alice_n1"), (bob, "bob_n2"), (carol, "carol_n2") })
        {
            var seqs = new List<long>();
            while (seqs.Count < 40)
            {
                var frame = await client.NextAsync();
                var type = frame.GetProperty("type").GetString();
                if (type is "ack" or "message")
                    seqs.Add(frame.GetProperty("seq").GetInt64());
                if (type == "message")
                    Assert.NotEqual(user, frame.GetProperty("from").GetString());
            }
            Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), seqs);
        }
    }

    [Fact]
    public async Task Presence_crosses_nodes()
    {
        await using var alice = await cluster.ConnectAsync(cluster.First, "alice_p1");
        var bob = await cluster.ConnectAsync(cluster.Second, "bob_p2");
        await alice.JoinAsync("lounge");

        var joined = await bob.JoinAsync("lounge");
        Assert.Equal(["alice_p1", "bob_p2"], joined.GetProperty("members").EnumerateArray().Select(m => m.GetString()).Order());
        var arrived = await alice.ExpectAsync("presence");
        Assert.Equal(("bob_p2", "join"), (arrived.GetProperty("user").GetString(), arrived.GetProperty("event").GetString()));

        await bob.DisposeAsync();
        var gone = await alice.ExpectAsync("presence");
        Assert.Equal(("bob_p2", "leave"), (gone.GetProperty("user").GetString(), gone.GetProperty("event").GetString()));
    }

    [Fact]
    public async Task A_node_that_joins_later_serves_the_history_of_older_rooms()
    {
        await using (var alice = await cluster.ConnectAsync(cluster.First, "alice_h1"))
        {
            await alice.JoinAsync("chronicle");
            for (var i = 1; i <= 5; i++)
            {
                await alice.SendAsync(new { type = "send", room = "chronicle", id = $"c{i}", text = $"chapter {i}" });
                await alice.ExpectAsync("ack");
            }
        }

        await using var late = await cluster.StartAnotherAsync();
        await using var reader = await cluster.ConnectAsync(late, "reader_h3");
        var joined = await reader.JoinAsync("chronicle");

        Assert.Equal(5, joined.GetProperty("seq").GetInt64());
        Assert.Equal(Enumerable.Range(1, 5).Select(i => $"chapter {i}"),
            joined.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task A_member_removed_from_a_private_room_on_another_node_is_put_out_at_once_and_kept_out()
    {
        // A third node, whose management endpoint says where the room runs.
        await using var third = await cluster.StartAnotherAsync();
        await using var alice = await cluster.ConnectAsync(cluster.First, "alice_private");
        await alice.SendAsync(new { type = "create", room = "board", @private = true });
        await alice.ExpectAsync("joined");
        using var http = new HttpClient();
        var location = await http.GetFromJsonAsync<JsonElement>(new Uri(third.ManagementAddress, "/rooms/board/node"));
        var roomNode = location.GetProperty("node").GetString();

        // Bob's connections live on a node other than the room's: the removal must cross to them.
        var bobsNode = new[] { cluster.First, cluster.Second, third }.First(node => node.AkkaAddress != roomNode);
        // An invitation names an account that exists.
        await using var bob = await cluster.ConnectAsync(bobsNode, "bob_private");
        await using var bobAgain = await ClusterClients.ConnectAsync(bobsNode, "bob_private");
        await alice.SendAsync(new { type = "invite", room = "board", user = "bob_private" });
        await alice.ExpectAsync("member");
        await bob.JoinAsync("board");
        await bobAgain.JoinAsync("board");
        await alice.ExpectAsync("presence");

        await alice.SendAsync(new { type = "remove", room = "board", user = "bob_private" });

        foreach (var device in new[] { bob, bobAgain })
        {
            var left = await device.ExpectSkippingAsync("left", "member");
            Assert.Equal("removed", left.GetProperty("reason").GetString());
            await device.SendAsync(new { type = "join", room = "board", since = 0 });
            Assert.Equal("forbidden", (await device.ExpectAsync("error")).GetProperty("code").GetString());
        }
        await alice.SendAsync(new { type = "send", room = "board", id = "after", text = "just us now" });
        await alice.ExpectSkippingAsync("ack", "member", "presence");
        await bob.ExpectNothingPendingAsync();
    }
}
