// The rooms the server keeps for the account (protocol 2): its room list with unread counts, the list's changes
// made on other devices or by others, direct rooms, private rooms' rosters, and the directory of public rooms.

import { directRoom, sameUser } from './validate.js';

// How long the rooms wait for the server's room list before they are joined from what this browser remembers.
const ROOMS_WAIT_MS = 5000;
const KINDS = new Set(['public', 'private', 'direct']);

export class AccountRooms {
  constructor(chat) {
    this.chat = chat;
    this.synced = false; // the server's room list was taken in once (kept across reloads)
    this.timer = null; // while the server's room list is awaited after a welcome
  }

  stop() {
    clearTimeout(this.timer);
    this.timer = null;
  }

  /** After a welcome: ask for the room list first, and join once it is in (or after a while without it). */
  request() {
    this.chat.conn.send({ type: 'rooms' });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.chat.joinAll();
    }, ROOMS_WAIT_MS);
  }

  /**
   * The server's room list, with unread counts: it adds the rooms this browser did not know of. Once taken in, it
   * also decides which remembered rooms stay (a room forgotten elsewhere goes); the first time, both are kept, and
   * joining them puts the remembered ones in the server's list.
   */
  take(entries) {
    const chat = this.chat;
    const listed = new Map();
    for (const entry of entries) {
      if (entry && typeof entry.room === 'string' && KINDS.has(entry.kind)) listed.set(entry.room, entry);
    }
    if (this.synced) {
      for (const room of [...chat.rooms.values()]) {
        if (!listed.has(room.name) && !room.requested) chat.dropRoom(room.name);
      }
    }
    for (const [name, entry] of listed) {
      const room = chat.rooms.get(name) ?? chat.addRoom(name);
      if (entry.kind === 'private') room.isPrivate = true;
      // Until the room is loaded here, the server's counts are the ones to show.
      if (!room.loaded && Number.isInteger(entry.unread)) room.unread = name === chat.current ? 0 : entry.unread;
      if (Number.isInteger(entry.read) && entry.read > room.readSent) room.readSent = entry.read;
    }
    if (!chat.current) chat.current = chat.rooms.keys().next().value ?? null;
    this.synced = true;
    chat.persist();
    this.stop();
    chat.joinAll();
    chat.invalidate({ forceBottom: true });
  }

  /** The user's room list changed on the server: a room to add (and join), or one forgotten or removed elsewhere. */
  changed(name, kind, change) {
    const chat = this.chat;
    if (change === 'added' && !chat.rooms.has(name)) {
      const room = chat.addRoom(name);
      room.isPrivate = kind === 'private';
      chat.persist();
      if (chat.conn.connected) chat.sendJoin(room);
      chat.invalidate();
    } else if (change === 'forgotten' && chat.rooms.has(name)) {
      chat.dropRoom(name);
    } else if (change === 'removed') {
      this.removedFrom(name);
    }
  }

  /** Opens the direct room with another user, started on the server with `dm` (which checks the user exists). */
  openDirect(user) {
    const chat = this.chat;
    const name = directRoom(chat.me, user);
    if (!name) return 'That is you';
    if (chat.protocol < 2) return 'This server has no direct messages';
    if (!chat.rooms.has(name)) {
      const room = chat.addRoom(name);
      room.pendingDirect = true;
      room.requested = true;
      chat.conn.send({ type: 'dm', user });
    }
    chat.select(name);
    return '';
  }

  /** A `dm` naming no user: the room that was waiting for it goes (the server never had it). */
  directFailed(user) {
    for (const room of this.chat.rooms.values()) {
      if (room.pendingDirect && sameUser(room.peer, user)) {
        this.chat.dropRoom(room.name);
        return true;
      }
    }
    return false;
  }

  /** The owner of a private room lets a user in, or takes them off its roster. */
  changeMember(user, invite) {
    const room = this.chat.currentRoom();
    if (!room || !room.isPrivate || !room.joinedOnConn) return;
    this.chat.conn.send({ type: invite ? 'invite' : 'remove', room: room.name, user });
  }

  /** The room's owner removed this user: the room goes, and the user is told. */
  removedFrom(name) {
    if (!this.chat.rooms.has(name)) return;
    this.chat.dropRoom(name);
    this.chat.ui.notices.show(`You were removed from #${name}`);
  }

  /** Asks for a page of the directory of public rooms. */
  browse(prefix, after = null) {
    if (this.chat.protocol < 2) return false;
    const frame = { type: 'directory', prefix };
    if (after) frame.after = after;
    return this.chat.conn.send(frame);
  }
}
