// The rooms the server keeps for the account (protocol 2): its room list with unread counts, the list's changes
// made on other devices or by others, direct rooms, private rooms' rosters, and the directory of public rooms.

import { directRoom, sameUser } from './validate.js';

// How long the rooms wait for the server's room list before they are joined from what this browser remembers.
const ROOMS_WAIT_MS = 5000;
const KINDS = new Set(['public', 'private', 'direct']);
const NOTIFY_LEVELS = new Set(['all', 'mentions', 'muted']);

export class AccountRooms {
  constructor(chat) {
    this.chat = chat;
    this.synced = false; // the server's room list was taken in once (kept across reloads)
    this.timer = null; // while the server's room list is awaited after a welcome
    this.invites = new Map(); // user -> room, for the invitations this page sent until the server answers them
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
      room.invitedBy = typeof entry.invitedBy === 'string' ? entry.invitedBy : null;
      // Until the room is loaded here, the server's counts are the ones to show.
      if (!room.loaded && Number.isInteger(entry.unread)) room.unread = name === chat.current ? 0 : entry.unread;
      if (!room.loaded && Number.isInteger(entry.mentions)) room.mentions = name === chat.current ? 0 : entry.mentions;
      if (NOTIFY_LEVELS.has(entry.notify)) room.notify = entry.notify;
      if (Number.isInteger(entry.read) && entry.read > room.readSent) room.readSent = entry.read;
    }
    if (!chat.current) chat.current = chat.rooms.keys().next().value ?? null;
    this.synced = true;
    chat.persist();
    this.stop();
    chat.joinAll();
    chat.invalidate({ forceBottom: true });
  }

  /**
   * The user's room list changed on the server: a room to add (and join, unless it is an invitation, which waits for
   * the user), an invitation taken up on another device (joined here too), or one forgotten or removed elsewhere.
   */
  changed(name, kind, change, invitedBy) {
    const chat = this.chat;
    const existing = chat.rooms.get(name);
    if (change === 'added' && existing?.invitedBy && !invitedBy) {
      existing.invitedBy = null;
      if (chat.conn.connected) chat.sendJoin(existing);
      chat.invalidate();
    } else if (change === 'added' && !existing) {
      const room = chat.addRoom(name);
      room.isPrivate = kind === 'private';
      room.invitedBy = typeof invitedBy === 'string' ? invitedBy : null;
      // Its first messages come in the join's replay, not live: they are new to this user all the same.
      room.arrived = true;
      chat.persist();
      if (chat.conn.connected && !room.invitedBy) chat.sendJoin(room);
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
    if (invite) this.invites.set(user.toLowerCase(), room.name);
    this.chat.conn.send({ type: invite ? 'invite' : 'remove', room: room.name, user });
  }

  /** An invitation refused (no such user, or a limit of the inviter's or theirs): true when `user` was being invited. */
  inviteFailed(user) {
    return this.invites.delete(user.toLowerCase());
  }

  /** An invitation answered: `user` is on the roster. */
  invited(user) {
    this.invites.delete(user.toLowerCase());
  }

  /** The invitations sent to `room` (every room, when null) will not be answered any more. */
  forgetInvites(room = null) {
    for (const [user, to] of this.invites) {
      if (room === null || to === room) this.invites.delete(user);
    }
  }

  /** Takes up an invitation: the room joins the user's own rooms, here and on every device. */
  accept(name) {
    const room = this.chat.rooms.get(name);
    if (!room || !room.invitedBy) return;
    room.invitedBy = null;
    room.requested = true;
    if (this.chat.conn.connected) this.chat.sendJoin(room);
    this.chat.invalidate();
  }

  /** A moderator kicked or banned this user: the room goes, and the user is told why and, for a ban, until when. */
  putOut(name, reason, note, until) {
    if (!this.chat.rooms.has(name)) return;
    this.chat.dropRoom(name);
    const end = typeof until === 'string' && !Number.isNaN(Date.parse(until)) ? ` until ${new Date(until).toLocaleString()}` : '';
    const why = typeof note === 'string' && note ? `: ${note}` : '';
    this.chat.ui.notices.show(reason === 'banned' ? `You were banned from #${name}${end}${why}` : `You were removed from #${name} by a moderator${why}`);
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
