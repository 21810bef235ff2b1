using ActorChat.Connections;
using ActorChat.Delivery;
using W = ActorChat.Serialization.Contracts;

namespace ActorChat.Serialization;

/// <summary>The contracts of what reaches a connection from a room, directly or through a delivery hub.</summary>
internal static class ConnectionContracts
{
    public static void AddTo(WireContracts wire)
    {
        wire.Add<HubPart, W.HubPart>("hub-part",
            m => new() { Manifest = m.Manifest, Index = m.Index, Count = m.Count, Bytes = WireContracts.Bytes(m.Bytes) },
            p => new(p.Manifest, p.Index, p.Count, p.Bytes.ToByteArray(), ProtobufWireSerializer.SerializerId));
        wire.Add<HubFanout, W.HubFanout>("hub-fanout",
            m => new() { Except = { m.Except.Select(WireContracts.PathOf) }, Delivery = wire.Wrap(m.Delivery) },
            p => new([.. p.Except.Select(wire.RefOf)], wire.Unwrap(p.Delivery)));
        wire.Add<HubDirect, W.HubDirect>("hub-direct",
            m => new() { Connection = WireContracts.PathOf(m.Connection), Delivery = wire.Wrap(m.Delivery) },
            p => new(wire.RefOf(p.Connection), wire.Unwrap(p.Delivery)));
        wire.Add<HubAdmit, W.HubAdmit>("hub-admit",
            m => new() { Connection = WireContracts.PathOf(m.Connection), Delivery = wire.Wrap(m.Delivery) },
            p => new(wire.RefOf(p.Connection), wire.Unwrap(p.Delivery)));
        wire.Add<HubDismiss, W.HubDismiss>("hub-dismiss",
            m => new() { Connection = WireContracts.PathOf(m.Connection), Delivery = m.Delivery is null ? null : wire.Wrap(m.Delivery) },
            p => new(wire.RefOf(p.Connection), p.Delivery is null ? null : wire.Unwrap(p.Delivery)));

        wire.Add<Deliver, W.Deliver>("deliver", m => new() { Frame = WireContracts.Bytes(m.Frame) }, p => new(p.Frame.ToByteArray()));
        wire.Add<DeliverBatch, W.DeliverBatch>("deliver-batch",
            m => new() { Frames = { m.Frames.Select(WireContracts.Bytes) } },
            p => new([.. p.Frames.Select(frame => frame.ToByteArray())]));
        wire.Add<DeliverSequenced, W.DeliverSequenced>("deliver-seq",
            m => new() { Room = m.Room, Seq = m.Seq, Frame = WireContracts.Bytes(m.Frame) },
            p => new(p.Room, p.Seq, p.Frame.ToByteArray()));
        wire.Add<Acked, W.Acked>("acked",
            m => new() { Room = m.Room, Id = m.Id, Seq = m.Seq, Frame = WireContracts.Bytes(m.Frame) },
            p => new(p.Room, p.Id, p.Seq, p.Frame.ToByteArray()));
        wire.Add<NotMember, W.NotMember>("not-member", m => new() { Room = m.Room, Id = m.Id }, p => new(p.Room, p.Id));
        wire.Add<JoinedRoom, W.JoinedRoom>("joined",
            m => new() { Room = m.Room, Seq = m.Seq, Frame = WireContracts.Bytes(m.Frame), Reads = { (m.Reads ?? []).Select(WireContracts.Bytes) }, Private = m.Private },
            p => new(p.Room, p.Seq, p.Frame.ToByteArray(), p.Reads.Count > 0 ? [.. p.Reads.Select(read => read.ToByteArray())] : null, p.Private));
        wire.Add<LeftRoom, W.LeftRoom>("left",
            m => new() { Room = m.Room, Frame = WireContracts.Bytes(m.Frame), Removed = m.Removed },
            p => new(p.Room, p.Frame.ToByteArray(), p.Removed));
        wire.Add<JoinRefused, W.JoinRefused>("join-refused",
            m => new() { Room = m.Room, Code = m.Code, Message = m.Message },
            p => new(p.Room, p.Code, p.Message));
        wire.Add<SendRefused, W.SendRefused>("send-refused",
            m => new() { Room = m.Room, Id = m.Id, Frame = WireContracts.Bytes(m.Frame) },
            p => new(p.Room, p.Id, p.Frame.ToByteArray()));
    }
}
