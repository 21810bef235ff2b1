// The user's changes to messages (protocol 2): edits, deletes and reactions. Each goes out with a client id and
// shows here once the server acks it, when it is true for everyone.

import { newClientId } from './ids.js';
import { sameUser } from './validate.js';

export class MessageChanges {
  constructor(chat) {
    this.chat = chat;
    this.awaiting = new Map(); // client id -> { room, seq, kind, value } of a change awaiting its ack
  }

  /** Replaces the text of one of the user's own messages. */
  edit(seq, text) {
    return this.#send(seq, 'edit', { text });
  }

  /** Deletes one of the user's own messages. */
  remove(seq) {
    return this.#send(seq, 'delete', {});
  }

  /** Adds the user's reaction, or takes it back when the user already reacted with it. */
  toggleReaction(seq, emoji) {
    const msg = this.chat.currentRoom()?.find(seq);
    if (!msg) return false;
    return this.#send(seq, msg.mine.has(emoji) ? 'unreact' : 'react', { emoji });
  }

  #send(seq, kind, fields) {
    const chat = this.chat;
    const room = chat.currentRoom();
    if (!room || !room.joinedOnConn || chat.protocol < 2) return false;
    const id = newClientId();
    if (!chat.conn.send({ type: kind, room: room.name, id, seq, ...fields })) return false;
    this.awaiting.set(id, { room: room.name, seq, kind, value: fields.text ?? fields.emoji });
    return true;
  }

  /** The ack of one of our changes: show it here; false when the id was not one. */
  acked(room, id) {
    const change = this.awaiting.get(id);
    if (!change) return false;
    this.awaiting.delete(id);
    const me = this.chat.me;
    if (change.kind === 'edit') room.edited(change.seq, change.value, new Date().toISOString());
    else if (change.kind === 'delete') {
      // Someone else's message, removed as a moderator: shown so, as everyone else sees it.
      const msg = room.find(change.seq);
      room.deleted(change.seq, Boolean(msg) && !sameUser(msg.from, me));
    }
    else {
      const msg = room.find(change.seq);
      const entry = msg?.reactions.find((r) => r.emoji === change.value);
      const mine = msg?.mine.has(change.value);
      // An ack of a change that changed nothing (already so) leaves the count as it is.
      if (change.kind === 'react' && !mine) room.reacted(change.seq, me, change.value, true, (entry?.count ?? 0) + 1, me);
      if (change.kind === 'unreact' && mine) room.reacted(change.seq, me, change.value, false, Math.max(0, (entry?.count ?? 1) - 1), me);
    }
    this.chat.invalidate();
    return true;
  }

  /** An error about one of our changes: forget it; true when the id was one. */
  failed(id) {
    return this.awaiting.delete(id);
  }
}
