using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using ActorChat.Accounts;
using ActorChat.Testing;
using Xunit.Abstractions;

namespace ActorChat.Cluster.Tests;

public sealed class SharedRoomTests(ClusterFixture cluster, ITestOutputHelper output) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_ban_in_a_room_of_500_members_on_two_nodes_puts_the_user_out_at_once_and_everyone_hears_of_it()
    {
        // Tokens signed with the cluster's key, as a sign-in issues them: 500 sign-ins would spend a minute of this
        // small machine's CPU on password hashing, which is not what this test is about.
        var tokens = new TokenService(Convert.FromBase64String(cluster.SigningKey), TimeSpan.FromHours(1));
        async Task<TrackedClient> ConnectAsync(ClusterNode node, string user)
        {
            var client = await ChatClient.ConnectAsync(node.SocketAddress, tokens.Issue(user).Token);
            await client.ExpectAsync("welcome");
            return await TrackedClient.ConnectAsync(() => Task.FromResult(client), user);
        }

        const string room = "crowd";
        await using var owner = await ConnectAsync(cluster.First, "crowd_owner");
        await owner.CreateAsync(room);
        await Eventually.True(() => owner.JoinedCount(room) == 1, "the room created");
        var nodes = new[] { cluster.First, cluster.Second };
        var members = new TrackedClient[500];
        await Parallel.ForEachAsync(Enumerable.Range(0, members.Length), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            members[i] = await ConnectAsync(nodes[i % 2], $"crowd_{i:D3}");
            await members[i].JoinAsync(room);
        });
        try
        {
            await Eventually.True(() => members.All(m => m.JoinedCount(room) == 1), "500 members joined", TimeSpan.FromMinutes(2));
            var spammer = members[137]; // on the second node; the room is on either
            var banned = Stopwatch.StartNew();
            await owner.ModerateAsync(room, "ban-1", "ban", spammer.User, "spam");

            await Eventually.True(() => spammer.OtherFrames.Any(f => Is(f, "left") && f.GetProperty("reason").GetString() == "banned"),
                "the spammer put out", TimeSpan.FromSeconds(10));
            var putOut = banned.Elapsed;
            var others = members.Where(m => m != spammer).ToList();
            await Eventually.True(() => others.All(m => m.OtherFrames.Any(f => Is(f, "moderation") && f.GetProperty("user").GetString() == spammer.User)),
                () => $"the ban announced to every other member ({others.Count(m => m.OtherFrames.Any(f => Is(f, "moderation")))} of {others.Count})",
                TimeSpan.FromSeconds(30));
            output.WriteLine($"500 members: the spammer out {putOut.TotalMilliseconds:F0} ms after the ban, all 499 others told {banned.Elapsed.TotalMilliseconds:F0} ms after");
            Assert.True(owner.ModerationAcks.ContainsKey((room, "ban-1")));
            Assert.All(others, m => Assert.DoesNotContain(m.OtherFrames, f => Is(f, "left")));

            // Banned: a join is refused, and a message from a member still in goes to everyone but the spammer.
            await spammer.JoinAsync(room);
            await Eventually.True(() => spammer.OtherFrames.Any(f => Is(f, "error") && f.GetProperty("code").GetString() == "forbidden"),
                "the spammer's join refused");
            await owner.SendAsync(room, "after-ban", "the room is quiet again");
            await Eventually.True(() => others.All(m => m.LastSeq(room) == 1), "the next message reaches every member", TimeSpan.FromSeconds(30));
            Assert.Equal(0, spammer.LastSeq(room));
            Assert.Equal(1, spammer.JoinedCount(room));
        }
        finally
        {
            await Task.WhenAll(members.Where(m => m is not null).Select(m => m.DisposeAsync().AsTask()));
        }

        static bool Is(System.Text.Json.JsonElement frame, string type) => frame.GetProperty("type").GetString() == type;
    }

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
    public async Task A_profile_changed_on_one_node_reaches_the_users_devices_and_roommates_on_the_other_and_is_looked_up_there()
    {
        string[] chatter = ["rooms", "room", "presence", "read", "received"];
        string[] asked = ["alice_pr"];
        await using var alice = await cluster.ConnectAsync(cluster.First, "alice_pr");
        await using var alicePhone = await cluster.ConnectAsync(cluster.Second, "alice_pr");
        await using var bob = await cluster.ConnectAsync(cluster.Second, "bob_pr");
        await using var carol = await cluster.ConnectAsync(cluster.Second, "carol_pr");
        await alice.JoinAsync("salon_pr");
        await bob.JoinAsync("salon_pr");

        await alice.SendAsync(new { type = "profile", name = "Alice Liddell", status = "across the cluster" });

        static (string?, string?, long) Fields(JsonElement p) =>
            (p.GetProperty("name").GetString(), p.GetProperty("status").GetString(), p.GetProperty("rev").GetInt64());
        Assert.Equal(("Alice Liddell", "across the cluster", 1L), Fields(await alice.ExpectSkippingAsync("profile", chatter)));
        Assert.Equal(("Alice Liddell", "across the cluster", 1L), Fields(await alicePhone.ExpectSkippingAsync("profile", chatter)));
        Assert.Equal(("Alice Liddell", "across the cluster", 1L), Fields(await bob.ExpectSkippingAsync("profile", chatter)));
        var found = await Eventually.Value(async () =>
        {
            await carol.SendAsync(new { type = "profiles", users = asked });
            return (await carol.ExpectSkippingAsync("profiles", chatter)).GetProperty("profiles");
        }, profiles => profiles.GetArrayLength() == 1, TimeSpan.FromSeconds(10));
        Assert.Equal(("Alice Liddell", "across the cluster", 1L), Fields(found[0]));
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
