using ActorChat.Serialization;
using Akka.Actor;

namespace ActorChat.Delivery;

/// <summary>The room admits a member connection on its node and hands it <paramref name="Delivery"/> (its <c>joined</c>).</summary>
public sealed record HubAdmit(IActorRef Connection, object Delivery) : IWireMessage;

/// <summary>The room lets a member connection go, handing it <paramref name="Delivery"/> first when there is one (its <c>left</c>).</summary>
public sealed record HubDismiss(IActorRef Connection, object? Delivery) : IWireMessage;

/// <summary>Something for one member connection only: an ack, a history page, a read marker.</summary>
public sealed record HubDirect(IActorRef Connection, object Delivery) : IWireMessage;

/// <summary>
/// One delivery for every member the room admitted on this node but <paramref name="Except"/>: the frame crosses
/// the network once and the node hands the very same bytes to each local member.
/// </summary>
public sealed record HubFanout(IReadOnlyList<IActorRef> Except, object Delivery) : IWireMessage;

/// <summary>
/// One part of a hub message that would pass the remote frame limit whole: the room sends all the parts of one
/// message one after another, and the hub puts them together and handles the message in its place in the stream.
/// The parts are in the encoding of <paramref name="Serializer"/>, the one that carries the parts themselves (during
/// a rolling upgrade a node may receive parts in either encoding).
/// </summary>
public sealed record HubPart(string Manifest, int Index, int Count, byte[] Bytes, int Serializer) : IWireMessage;
