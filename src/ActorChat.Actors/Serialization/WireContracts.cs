using Akka.Actor;
using Google.Protobuf;
using W = ActorChat.Serialization.Contracts;

namespace ActorChat.Serialization;

/// <summary>
/// Which Protobuf contract of <c>wire.proto</c> carries each message that crosses nodes, under which manifest, and
/// how the message maps to it and back. One table, filled by area (<see cref="RoomContracts"/>,
/// <see cref="ConnectionContracts"/>, <see cref="AccountContracts"/>,
/// <see cref="DiagnosticsContracts"/>), read by <see cref="ProtobufWireSerializer"/>.
/// </summary>
internal sealed class WireContracts
{
    private readonly Dictionary<Type, IContract> _byType = [];
    private readonly Dictionary<string, IContract> _byManifest = new(StringComparer.Ordinal);
    private readonly ExtendedActorSystem _system;

    public WireContracts(ExtendedActorSystem system)
    {
        _system = system;
        RoomContracts.AddTo(this);
        ConnectionContracts.AddTo(this);
        AccountContracts.AddTo(this);
        DiagnosticsContracts.AddTo(this);
    }

    public IEnumerable<Type> Types => _byType.Keys;

    public void Add<TMessage, TContract>(string manifest, Func<TMessage, TContract> write, Func<TContract, TMessage> read)
        where TMessage : notnull
        where TContract : IMessage<TContract>, new()
    {
        var contract = new Contract<TMessage, TContract>(manifest, write, read);
        _byType.Add(typeof(TMessage), contract);
        _byManifest.Add(manifest, contract);
    }

    public string Manifest(object message) => Of(message).Manifest;

    public byte[] Write(object message) => Of(message).Write(message);

    public object Read(ReadOnlySpan<byte> bytes, string manifest) =>
        _byManifest.TryGetValue(manifest, out var contract)
            ? contract.Read(bytes)
            : throw new System.Runtime.Serialization.SerializationException($"unknown wire manifest '{manifest}'");

    /// <summary>A message inside another (a hub's delivery): its manifest and its own encoding, written once.</summary>
    public W.Delivery Wrap(object message) => new() { Manifest = Manifest(message), Payload = UnsafeByteOperations.UnsafeWrap(Write(message)) };

    public object Unwrap(W.Delivery delivery) => Read(delivery.Payload.Span, delivery.Manifest);

    public static string PathOf(IActorRef actor) => Akka.Serialization.Serialization.SerializedActorPath(actor);

    public IActorRef RefOf(string path) => _system.Provider.ResolveActorRef(path);

    /// <summary>Frames and other byte strings go out as the very arrays the message holds, without a copy.</summary>
    public static ByteString Bytes(byte[] bytes) => UnsafeByteOperations.UnsafeWrap(bytes);

    private IContract Of(object message) =>
        _byType.TryGetValue(message.GetType(), out var contract)
            ? contract
            : throw new ArgumentException($"{message.GetType()} is not a wire message of ActorChat", nameof(message));

    private interface IContract
    {
        string Manifest { get; }

        byte[] Write(object message);

        object Read(ReadOnlySpan<byte> bytes);
    }

    private sealed class Contract<TMessage, TContract>(string manifest, Func<TMessage, TContract> write, Func<TContract, TMessage> read) : IContract
        where TMessage : notnull
        where TContract : IMessage<TContract>, new()
    {
        private static readonly MessageParser<TContract> Parser = new(() => new TContract());

        public string Manifest => manifest;

        public byte[] Write(object message) => write((TMessage)message).ToByteArray();

        public object Read(ReadOnlySpan<byte> bytes) => read(Parser.ParseFrom(bytes));
    }
}
