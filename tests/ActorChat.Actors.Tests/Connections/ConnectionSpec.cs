using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ActorChat.Accounts;
using ActorChat.Connections;
using ActorChat.Protocol;
using ActorChat.Rooms;
using Akka.Actor;
using Akka.TestKit;

namespace ActorChat.Tests.Connections;

/// <summary>A connection actor over an outbox, with probes for the rooms and the accounts.</summary>
public abstract class ConnectionSpec : ChatSpec
{
    protected static readonly TokenService Tokens = new(new byte[32], TimeSpan.FromHours(1));
    protected static readonly ConnectionSettings Limits = new();
    protected static readonly byte[] EmptyFrame = Encoding.UTF8.GetBytes("{}");

    protected (IActorRef Connection, Outbox Outbox, TestProbe Rooms) Connect(string user = "alice", Outbox? outbox = null, ConnectionSettings? settings = null) =>
        ConnectWithAccount(user, outbox, settings) is var (connection, box, rooms, _) ? (connection, box, rooms) : default;

    protected (IActorRef Connection, Outbox Outbox, TestProbe Rooms, TestProbe Accounts) ConnectWithAccount(string user = "alice", Outbox? outbox = null,
        ConnectionSettings? settings = null, AuthTicket? ticket = null, bool sessionConfirmed = true)
    {
        outbox ??= new Outbox(64, 1 << 20);
        var rooms = CreateTestProbe();
        var accounts = CreateTestProbe();
        ticket ??= Tokens.Validate(Tokens.Issue(user).Token)!;
        var connection = Sys.ActorOf(ConnectionActor.PropsFor(ticket, "s1", outbox, rooms.Ref, accounts.Ref, Tokens, settings ?? Limits,
            sessionConfirmed: sessionConfirmed));
        return (connection, outbox, rooms, accounts);
    }

    /// <summary>Nothing reaches the rooms for a while but retries of joins still unanswered (of <paramref name="rooms"/>, when named).</summary>
    protected static void ExpectOnlyJoinRetries(TestProbe probe, TimeSpan within, params string[] rooms)
    {
        var seen = probe.ReceiveWhile<object>(message => message, max: within, idle: null);
        Assert.All(seen, message => Assert.True(message is Join join && (rooms.Length == 0 || rooms.Contains(join.Room)), $"unexpected {message}"));
    }

    /// <summary>The next message of type <typeparamref name="T"/> that is not a retried join of one of <paramref name="retried"/>; anything else fails.</summary>
    protected static T ExpectSkippingJoinRetries<T>(TestProbe probe, params string[] retried)
    {
        while (true)
        {
            var message = probe.ReceiveOne(ColdStartDeadline) ?? throw new TimeoutException($"no {typeof(T).Name} within {ColdStartDeadline}");
            if (message is Join join && retried.Contains(join.Room) && message is not T)
                continue;
            Assert.True(message is T, $"expected {typeof(T).Name}, got {message}");
            return (T)message;
        }
    }

    protected static async Task<JsonElement> NextSent(Outbox outbox)
    {
        using var timeout = new CancellationTokenSource(ColdStartDeadline);
        var frame = await outbox.NextAsync(timeout.Token) ?? throw new InvalidOperationException("the outbox ended");
        return JsonDocument.Parse(frame).RootElement.Clone();
    }

}
