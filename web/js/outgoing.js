// The user's own messages on their way: each queued with a client id, sent once the room is joined on this
// connection, and sent again with the same id after a reconnect until the server acks it (PROTOCOL.md, "send").

import { attachmentOf } from './store.js';
import { newClientId } from './ids.js';

export class Outgoing {
  constructor(chat) {
    this.chat = chat;
  }

  /**
   * Queues an own message (a reply when replyTo is a seq, with a photo when attachment is an upload's answer) and
   * sends it when possible; true when accepted. localUrl shows the photo until the server's copy is there.
   */
  send(text, replyTo = null, attachment = null, localUrl = null) {
    const chat = this.chat;
    const room = chat.currentRoom();
    if (!room) return false;
    const msg = {
      seq: null,
      id: newClientId(),
      from: chat.me,
      text,
      ts: new Date().toISOString(),
      own: true,
      status: 'pending',
      sentOn: 0,
      editedAt: null,
      deleted: false,
      reactions: [],
      mine: new Set(),
      replyTo: chat.protocol >= 2 && Number.isInteger(replyTo) ? replyTo : null,
      attachment: attachmentOf(attachment),
      localUrl,
    };
    room.addPending(msg);
    this.transmit(room, msg);
    chat.invalidate({ forceBottom: true });
    return true;
  }

  retry(id) {
    const chat = this.chat;
    for (const room of chat.rooms.values()) {
      const msg = room.byId.get(id);
      if (msg && msg.status === 'failed') {
        msg.status = 'pending';
        msg.sentOn = 0;
        this.transmit(room, msg);
        chat.invalidate();
      }
    }
  }

  /** Sends an own message if the room is joined on this connection (else joined will). */
  transmit(room, msg) {
    const chat = this.chat;
    if (!room.joinedOnConn || msg.status !== 'pending') return;
    const frame = { type: 'send', room: room.name, id: msg.id, text: msg.text };
    if (msg.replyTo) frame.replyTo = msg.replyTo;
    if (msg.attachment) frame.attachment = msg.attachment.id;
    if (chat.conn.send(frame)) {
      msg.sentOn = chat.conn.generation;
    }
  }

  /** After a (re)join: everything still pending goes out again with its original id. */
  resendPending(room) {
    const chat = this.chat;
    for (const msg of [...room.pending]) {
      if (msg.sentOn !== chat.conn.generation) this.transmit(room, msg);
    }
  }
}
