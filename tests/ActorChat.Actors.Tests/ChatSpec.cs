using System.Text.Json;
using ActorChat.Connections;
using ActorChat.Delivery;
using ActorChat.Rooms;
using ActorChat.Storage;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.TestKit;
using Akka.TestKit.Xunit2;

namespace ActorChat.Tests;

/// <summary>
/// TestKit base for room tests: an in-memory journal, a message table in a SQLite file of the spec's own, and probes
/// standing in for client connections.
/// </summary>
public abstract class ChatSpec : TestKit
{
    private const string BaseConfig = """

    akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
    akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
    akka.loglevel = WARNING
    """;

    /// <param name="extraConfig">HOCON for the spec; it wins over the in-memory defaults.</param>
    protected ChatSpec(string? extraConfig = null)
        : this(ConfigurationFactory.ParseString(BaseConfig + "\n" + extraConfig + "\nakka.loglevel = WARNING\n"))
    {
    }

    protected ChatSpec(Config config)
        : this(config, Path.Combine(Path.GetTempPath(), "actorchat-spec-table-" + Guid.NewGuid().ToString("N")))
    {
    }

    // The message table and the photo store of the spec live in a folder of its own, as a server's live in its data directory.
    private ChatSpec(Config config, string tableFolder)
        : base(ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config.WithFallback(ConfigurationFactory.ParseString(CompactMailbox.Hocon))),
            new SettingsSetup<StorageSettings>(new StorageSettings { DataDirectory = tableFolder, SqliteFile = "messages.db" })))
    {
        _tableFolder = tableFolder;
    }

    /// <summary>The spec's data folder: its message table, and its photos under <c>attachments</c>.</summary>
    protected string DataFolder => _tableFolder;

    private readonly string _tableFolder;

    protected override void AfterAll()
    {
        base.AfterAll();
        try { Directory.Delete(_tableFolder, recursive: true); }
        catch (IOException) { }
    }

    // A deadline, not a wait: the first message of a fresh actor system also pays for journal start-up and JIT on a busy machine.
    protected static readonly TimeSpan ColdStartDeadline = TimeSpan.FromSeconds(15);

    protected static readonly RoomSettings Settings = new() { ReplayLimit = 100, DedupWindow = 200, SnapshotEvery = 1000 };

    /// <summary>This node's delivery hub for <paramref name="room"/>, as a connection names it in its joins.</summary>
    protected IActorRef HubFor(string room, ActorSystem? node = null) => DeliveryHubs.Get(node ?? Sys).For(room);

    protected IActorRef StartRoom(string room, RoomSettings? settings = null) =>
        Sys.ActorOf(RoomActor.PropsFor(room, settings ?? Settings, AccountsThatAllowInvitations));

    /// <summary>
    /// Stands in for the accounts' shard region of a room started by <see cref="StartRoom"/>: every account exists,
    /// registered as it is asked for, and may invite and be invited; whatever else the room tells the accounts is dropped.
    /// </summary>
    protected IActorRef AccountsThatAllowInvitations => _accounts ??= Sys.ActorOf(Props.Create(() => new InvitationsAllowed()));

    private IActorRef? _accounts;

    private sealed class InvitationsAllowed : ReceiveActor
    {
        public InvitationsAllowed()
        {
            Receive<ActorChat.Accounts.SpendInvitation>(_ => Sender.Tell(ActorChat.Accounts.InvitationAnswer.Allowed));
            Receive<ActorChat.Accounts.CheckInvitation>(check => Sender.Tell(ActorChat.Accounts.InvitationAnswer.AllowedFor(check.Username)));
            Receive<ActorChat.Accounts.GetCredentials>(get => Sender.Tell(new ActorChat.Accounts.AccountCredentials(get.Username, "", 0)));
            ReceiveAny(_ => { });
        }
    }

    /// <summary>A probe that joined <paramref name="roomName"/> as <paramref name="user"/>; returns it with its <c>joined</c> frame.</summary>
    protected (TestProbe Connection, JsonElement Joined) Join(IActorRef room, string roomName, string user, long? since = null)
    {
        var connection = CreateTestProbe();
        room.Tell(new Join(roomName, user, since, HubFor(roomName)), connection.Ref);
        var joined = connection.ExpectMsg<JoinedRoom>(ColdStartDeadline);
        return (connection, Json(joined.Frame));
    }

    /// <summary>A probe that created <paramref name="roomName"/> as a public room, of which <paramref name="owner"/> is then the first owner.</summary>
    protected TestProbe CreatePublic(IActorRef room, string roomName, string owner)
    {
        var connection = CreateTestProbe();
        room.Tell(new Join(roomName, owner, null, HubFor(roomName), Create: false), connection.Ref);
        connection.ExpectMsg<JoinedRoom>(ColdStartDeadline);
        return connection;
    }

    /// <summary>The refusal of a join of <paramref name="roomName"/> by <paramref name="user"/>.</summary>
    protected JoinRefused TryJoin(IActorRef room, string roomName, string user)
    {
        var connection = CreateTestProbe();
        room.Tell(new Join(roomName, user, null, HubFor(roomName)), connection.Ref);
        return connection.ExpectMsg<JoinRefused>(ColdStartDeadline);
    }

    /// <summary>The next frame a connection receives, whatever envelope it came in.</summary>
    protected static JsonElement NextFrame(TestProbe connection, TimeSpan? within = null)
    {
        var message = connection.ExpectMsg<object>(within ?? ColdStartDeadline);
        return message switch
        {
            Deliver deliver => Json(deliver.Frame),
            DeliverSequenced sequenced => Json(sequenced.Frame),
            Acked acked => Json(acked.Frame),
            JoinedRoom joined => Json(joined.Frame),
            LeftRoom left => Json(left.Frame),
            SendRefused refused => Json(refused.Frame),
            _ => throw new InvalidOperationException($"not a frame: {message}"),
        };
    }

    /// <summary>The next frame of the given type, asserting that nothing else came first.</summary>
    protected static JsonElement ExpectFrame(TestProbe connection, string type)
    {
        var frame = NextFrame(connection);
        Assert.Equal(type, frame.GetProperty("type").GetString());
        return frame;
    }

    /// <summary>The next frame of the given type, past the frames of other types that come between (presence, messages...).</summary>
    protected static JsonElement FishFrame(TestProbe connection, string type)
    {
        while (true)
        {
            var frame = NextFrame(connection);
            if (frame.GetProperty("type").GetString() == type)
                return frame;
        }
    }

    protected static JsonElement Json(byte[] frame) => JsonDocument.Parse(frame).RootElement.Clone();

    protected static IEnumerable<long> Seqs(JsonElement messages) =>
        messages.EnumerateArray().Select(m => m.GetProperty("seq").GetInt64());
}
