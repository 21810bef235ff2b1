// The chat controller: owns the rooms, the connection and the user's actions, and
// batches rendering into one pass per task. Server frames are handled in frames.js.

import { Room, attachmentOf } from './store.js';
import { Connection } from './connection.js';
import { loadPrefs, savePrefs } from './storage.js';
import { handleFrame } from './frames.js';
import { ROOM_RE, DIRECT_RE, directRoom, directPeer, sameUser } from './validate.js';
import { newClientId } from './ids.js';
import { notify } from './ui/notify.js';

const TYPING_SEND_EVERY_MS = 2000;
const TYPING_SHOW_MS = 3000;
const READ_THROTTLE_MS = 1000;
const GAP_WAIT_MS = 1500;
const REJOIN_WAIT_MS = 3000;
const HISTORY_PAGE = 50;
// How long the rooms wait for the server's room list before they are joined from what this browser remembers.
const ROOMS_WAIT_MS = 5000;
const KINDS = new Set(['public', 'private', 'direct']);

export class Chat {
  /**
   * @param {string} username
   * @param {object} ui     { sidebar, header, messages, composer, notices }
   * @param {object} hooks  { getToken, onAuthLost, onRefreshed }
   */
  constructor(username, ui, hooks) {
    this.me = username;
    this.ui = ui;
    this.hooks = hooks;
    this.rooms = new Map(); // insertion order is the sidebar order
    this.current = null;
    this.stopped = false;
    this.dirty = null;
    this.typingSentAt = 0;
    this.typingRoom = null;
    this.readTimer = null;
    this.readAt = 0;
    this.protocol = 1; // from welcome: 2 when the server takes edits, reactions and resumes by revision
    this.changes = new Map(); // client id -> { room, seq, kind, value } of a change awaiting its ack
    this.synced = false; // the server's room list was taken in once (kept across reloads)
    this.roomsTimer = null; // while the server's room list is awaited after a welcome
    this.conn = new Connection({
      getToken: hooks.getToken,
      onWelcome: (frame) => this.#onWelcome(frame),
      onFrame: (frame) => handleFrame(this, frame),
      onDown: () => this.#onDown(),
      onStatus: (state) => {
        ui.sidebar.setStatus(state);
        ui.banner.setState(state);
      },
      onAuthLost: (reason) => hooks.onAuthLost(reason),
    });
    this.onVisibility = () => {
      const room = this.currentRoom();
      if (!pageInView() || !room) return;
      room.unread = 0;
      room.attention = false;
      this.invalidate();
    };
  }

  start(token) {
    const prefs = loadPrefs(this.me);
    for (const name of prefs.rooms) this.#addRoom(name);
    this.current = prefs.current ?? prefs.rooms[0] ?? null;
    this.synced = prefs.synced;
    this.ui.sidebar.setUser(this.me);
    document.addEventListener('visibilitychange', this.onVisibility);
    window.addEventListener('focus', this.onVisibility);
    this.invalidate({ forceBottom: true });
    if (this.current) this.ui.composer.focus();
    else this.ui.sidebar.focusJoin();
    this.conn.start(token);
  }

  stop() {
    this.stopped = true;
    this.conn.stop();
    document.removeEventListener('visibilitychange', this.onVisibility);
    window.removeEventListener('focus', this.onVisibility);
    clearTimeout(this.readTimer);
    clearTimeout(this.roomsTimer);
    for (const room of this.rooms.values()) this.#forgetTimers(room);
  }

  currentRoom() {
    return this.current ? this.rooms.get(this.current) ?? null : null;
  }

  /** Whether new messages in this room are in front of the user right now. */
  isShown(room) {
    return room.name === this.current && pageInView();
  }

  // ---- user actions -------------------------------------------------------

  /** Joins (if new) and opens a room, or creates it private; returns '' or a problem to show. */
  join(name, { createPrivate = false } = {}) {
    if (!ROOM_RE.test(name) && !DIRECT_RE.test(name)) return 'Only a–z, 0–9, _ and - (1–64 characters)';
    if (createPrivate && this.protocol < 2) return 'This server has no private rooms';
    if (!this.rooms.has(name)) {
      const room = this.#addRoom(name);
      room.create = createPrivate;
      room.requested = true;
      this.sendJoin(room);
    } else if (createPrivate) {
      return `You are in #${name} already`;
    }
    this.select(name);
    return '';
  }

  /** Opens the direct room with another user, started on the server with `dm` (which checks the user exists). */
  openDirect(user) {
    const name = directRoom(this.me, user);
    if (!name) return 'That is you';
    if (this.protocol < 2) return 'This server has no direct messages';
    if (!this.rooms.has(name)) {
      const room = this.#addRoom(name);
      room.pendingDirect = true;
      room.requested = true;
      this.conn.send({ type: 'dm', user });
    }
    this.select(name);
    return '';
  }

  /** The owner of a private room lets a user in, or takes them off its roster. */
  changeMember(user, invite) {
    const room = this.currentRoom();
    if (!room || !room.isPrivate || !room.joinedOnConn) return;
    this.conn.send({ type: invite ? 'invite' : 'remove', room: room.name, user });
  }

  /** The room's owner removed this user: the room goes, and the user is told. */
  removedFrom(name) {
    if (!this.rooms.has(name)) return;
    this.#drop(name);
    this.ui.notices.show(`You were removed from #${name}`);
  }

  /** A `dm` naming no user: the room that was waiting for it goes (the server never had it). */
  directFailed(user) {
    for (const room of this.rooms.values()) {
      if (room.pendingDirect && sameUser(room.peer, user)) {
        this.#drop(room.name);
        return true;
      }
    }
    return false;
  }

  #drop(name) {
    this.#forgetTimers(this.rooms.get(name));
    this.rooms.delete(name);
    if (this.current === name) this.current = this.rooms.keys().next().value ?? null;
    this.#persist();
    this.invalidate({ forceBottom: true });
  }

  #addRoom(name) {
    const room = new Room(name);
    room.peer = directPeer(name, this.me);
    room.direct = Boolean(room.peer);
    this.rooms.set(name, room);
    return room;
  }

  select(name) {
    const room = this.rooms.get(name);
    if (!room) return;
    this.current = name;
    room.lineKnown = true;
    room.lineAfter = room.unread > 0 ? room.readSent : null;
    room.unread = 0;
    room.attention = false;
    this.#persist();
    this.invalidate({ forceBottom: true });
    this.ui.composer.focus();
  }

  /** Leaves a room; with protocol 2 it also goes from the user's room list on every device (`forget`). */
  leave(name) {
    const room = this.rooms.get(name);
    if (!room) return;
    this.conn.send({ type: this.protocol >= 2 ? 'forget' : 'leave', room: name });
    this.#forgetTimers(room);
    this.rooms.delete(name);
    if (this.current === name) this.current = this.rooms.keys().next().value ?? null;
    this.#persist();
    this.invalidate({ forceBottom: true });
  }

  /**
   * Queues an own message (a reply when replyTo is a seq, with a photo when attachment is an upload's answer) and
   * sends it when possible; true when accepted. localUrl shows the photo until the server's copy is there.
   */
  send(text, replyTo = null, attachment = null, localUrl = null) {
    const room = this.currentRoom();
    if (!room) return false;
    const msg = {
      seq: null,
      id: newClientId(),
      from: this.me,
      text,
      ts: new Date().toISOString(),
      own: true,
      status: 'pending',
      sentOn: 0,
      editedAt: null,
      deleted: false,
      reactions: [],
      mine: new Set(),
      replyTo: this.protocol >= 2 && Number.isInteger(replyTo) ? replyTo : null,
      attachment: attachmentOf(attachment),
      localUrl,
    };
    room.addPending(msg);
    this.transmit(room, msg);
    this.invalidate({ forceBottom: true });
    return true;
  }

  retry(id) {
    for (const room of this.rooms.values()) {
      const msg = room.byId.get(id);
      if (msg && msg.status === 'failed') {
        msg.status = 'pending';
        msg.sentOn = 0;
        this.transmit(room, msg);
        this.invalidate();
      }
    }
  }

  /** A message for this user that they have not seen: the title says so, and a notification when allowed. */
  callAttention(room, msg) {
    room.attention = true;
    const where = room.direct ? msg.from : `${msg.from} in #${room.name}`;
    notify(`New message from ${where}`, msg.text.slice(0, 140), room.name, () => this.select(room.name));
    this.invalidate();
  }

  /** Replaces the text of one of the user's own messages. */
  edit(seq, text) {
    return this.#change(seq, 'edit', { text });
  }

  /** Deletes one of the user's own messages. */
  remove(seq) {
    return this.#change(seq, 'delete', {});
  }

  /** Adds the user's reaction, or takes it back when the user already reacted with it. */
  toggleReaction(seq, emoji) {
    const msg = this.currentRoom()?.bySeq.get(seq);
    if (!msg) return false;
    return this.#change(seq, msg.mine.has(emoji) ? 'unreact' : 'react', { emoji });
  }

  #change(seq, kind, fields) {
    const room = this.currentRoom();
    if (!room || !room.joinedOnConn || this.protocol < 2) return false;
    const id = newClientId();
    if (!this.conn.send({ type: kind, room: room.name, id, seq, ...fields })) return false;
    this.changes.set(id, { room: room.name, seq, kind, value: fields.text ?? fields.emoji });
    return true;
  }

  /** The ack of one of our changes: it is now true for everyone, so show it here. */
  changeAcked(room, id) {
    const change = this.changes.get(id);
    if (!change) return false;
    this.changes.delete(id);
    if (change.kind === 'edit') room.edited(change.seq, change.value, new Date().toISOString());
    else if (change.kind === 'delete') room.deleted(change.seq);
    else {
      const msg = room.bySeq.get(change.seq);
      const entry = msg?.reactions.find((r) => r.emoji === change.value);
      const mine = msg?.mine.has(change.value);
      // An ack of a change that changed nothing (already so) leaves the count as it is.
      if (change.kind === 'react' && !mine) room.reacted(change.seq, this.me, change.value, true, (entry?.count ?? 0) + 1, this.me);
      if (change.kind === 'unreact' && mine) room.reacted(change.seq, this.me, change.value, false, Math.max(0, (entry?.count ?? 1) - 1), this.me);
    }
    this.invalidate();
    return true;
  }

  /** An error about one of our changes: forget it; true when the id was one. */
  changeFailed(id) {
    return this.changes.delete(id);
  }

  loadOlder() {
    const room = this.currentRoom();
    if (!room || room.historyBusy || !room.canLoadOlder()) return;
    if (this.conn.send({ type: 'history', room: room.name, before: room.minSeq, limit: HISTORY_PAGE })) {
      room.historyBusy = true;
      this.invalidate();
    }
  }

  /** The user typed in the composer: tell the room at most once every 2 s. */
  typed() {
    const room = this.currentRoom();
    if (!room || !room.joinedOnConn) return;
    const now = Date.now();
    if (this.typingRoom === room.name && now - this.typingSentAt < TYPING_SEND_EVERY_MS) return;
    if (this.conn.send({ type: 'typing', room: room.name })) {
      this.typingRoom = room.name;
      this.typingSentAt = now;
    }
  }

  refreshToken(token) {
    this.conn.token = token;
    this.conn.send({ type: 'refresh', token });
  }

  // ---- used by frames.js --------------------------------------------------

  sendJoin(room) {
    if (room.create && !room.loaded) {
      this.conn.send({ type: 'create', room: room.name, private: true });
      return;
    }
    const frame = { type: 'join', room: room.name };
    // `since` only once we hold a window of the room; the first join asks for the latest page. With protocol 2,
    // the revision too: the server then replays every event since, edits and reactions included.
    if (room.loaded) frame.since = room.contiguousTop();
    if (room.loaded && room.rev > 0 && this.protocol >= 2) frame.rev = room.rev;
    room.lastSince = frame.since ?? null;
    if (this.conn.send(frame)) room.joining = true;
  }

  /** Sends an own message if the room is joined on this connection (else joined will). */
  transmit(room, msg) {
    if (!room.joinedOnConn || msg.status !== 'pending') return;
    const frame = { type: 'send', room: room.name, id: msg.id, text: msg.text };
    if (msg.replyTo) frame.replyTo = msg.replyTo;
    if (msg.attachment) frame.attachment = msg.attachment.id;
    if (this.conn.send(frame)) {
      msg.sentOn = this.conn.generation;
    }
  }

  /** After a (re)join: everything still pending goes out again with its original id. */
  resendPending(room) {
    for (const msg of [...room.pending]) {
      if (msg.sentOn !== this.conn.generation) this.transmit(room, msg);
    }
  }

  /** A seq was skipped: give the missing ones a moment to arrive, else rejoin with since. */
  checkGapSoon(room) {
    this.#later(room, GAP_WAIT_MS, () => room.joinedOnConn && room.hasGap());
  }

  /** The join failed for a passing reason (server busy): try again in a while. */
  rejoinSoon(room) {
    this.#later(room, REJOIN_WAIT_MS, () => !room.joinedOnConn && this.conn.connected);
  }

  #later(room, wait, stillNeeded) {
    if (room.rejoinTimer) return;
    room.rejoinTimer = setTimeout(() => {
      room.rejoinTimer = null;
      if (this.rooms.get(room.name) === room && stillNeeded()) this.sendJoin(room);
    }, wait);
  }

  showTyping(room, user) {
    clearTimeout(room.typing.get(user));
    room.typing.set(
      user,
      setTimeout(() => {
        room.typing.delete(user);
        this.invalidate();
      }, TYPING_SHOW_MS),
    );
    this.invalidate();
  }

  stopTyping(room, user) {
    for (const [name, timer] of room.typing) {
      if (name.toLowerCase() === String(user).toLowerCase()) {
        clearTimeout(timer);
        room.typing.delete(name);
      }
    }
  }

  // ---- rendering ----------------------------------------------------------

  /** Marks the view dirty; one render runs at the end of the current task. */
  invalidate(hint = {}) {
    const first = !this.dirty;
    this.dirty = this.dirty || {};
    for (const [key, value] of Object.entries(hint)) this.dirty[key] = this.dirty[key] || value;
    if (first) queueMicrotask(() => this.#render());
  }

  #render() {
    const hint = this.dirty || {};
    this.dirty = null;
    if (this.stopped) return;
    const room = this.currentRoom();
    const rooms = [...this.rooms.values()];
    this.ui.sidebar.renderRooms(rooms, this.current);
    this.ui.header.render(room, this.me);
    this.ui.messages.render(room, this.me, hint);
    this.ui.composer.setRoom(room ? room.name : null, room?.direct ? room.peer : undefined);
    const unread = rooms.reduce((sum, r) => sum + r.unread, 0);
    const attention = rooms.some((r) => r.attention);
    document.title = `${unread ? `(${unread}) ` : ''}${attention ? '@ ' : ''}ActorChat`;
    if (room && room.maxSeq > room.readSent) this.#markReadSoon();
  }

  /** Tells the server, at most once a second per room, how far this page has received the room (protocol 2). */
  receivedSoon(room) {
    if (this.protocol < 2 || room.receivedTimer) return;
    room.receivedTimer = setTimeout(() => {
      room.receivedTimer = null;
      const seq = room.maxSeq;
      if (this.rooms.get(room.name) !== room || !room.joinedOnConn || seq <= room.receivedSent) return;
      if (this.conn.send({ type: 'received', room: room.name, seq })) room.receivedSent = seq;
    }, READ_THROTTLE_MS);
  }

  #markReadSoon() {
    if (this.readTimer) return;
    const wait = Math.max(0, this.readAt + READ_THROTTLE_MS - Date.now());
    this.readTimer = setTimeout(() => {
      this.readTimer = null;
      this.readAt = Date.now();
      const room = this.currentRoom();
      if (!room || !room.joinedOnConn || !pageInView()) return;
      const seq = room.maxSeq;
      if (seq > room.readSent && this.conn.send({ type: 'read', room: room.name, seq })) room.readSent = seq;
    }, wait);
  }

  #onWelcome(frame) {
    this.protocol = Number.isInteger(frame.protocol) ? frame.protocol : 1;
    if (typeof frame.user === 'string' && frame.user) {
      this.me = frame.user;
      this.ui.sidebar.setUser(this.me);
    }
    if (this.protocol < 2) {
      this.#joinAll();
      return;
    }
    // The server keeps the user's rooms: ask for them first, and join once they are in (or after a while without them).
    this.conn.send({ type: 'rooms' });
    clearTimeout(this.roomsTimer);
    this.roomsTimer = setTimeout(() => {
      this.roomsTimer = null;
      this.#joinAll();
    }, ROOMS_WAIT_MS);
  }

  #joinAll() {
    for (const room of this.rooms.values()) {
      if (!room.joinedOnConn && !room.joining) this.sendJoin(room);
    }
  }

  /** Asks for a page of the directory of public rooms. */
  browse(prefix, after = null) {
    if (this.protocol < 2) return false;
    const frame = { type: 'directory', prefix };
    if (after) frame.after = after;
    return this.conn.send(frame);
  }

  /**
   * The server's room list, with unread counts: it adds the rooms this browser did not know of. Once taken in, it
   * also decides which remembered rooms stay (a room forgotten elsewhere goes); the first time, both are kept, and
   * joining them puts the remembered ones in the server's list.
   */
  roomList(entries) {
    const listed = new Map();
    for (const entry of entries) {
      if (entry && typeof entry.room === 'string' && KINDS.has(entry.kind)) listed.set(entry.room, entry);
    }
    if (this.synced) {
      for (const room of [...this.rooms.values()]) {
        if (!listed.has(room.name) && !room.requested) this.#drop(room.name);
      }
    }
    for (const [name, entry] of listed) {
      const room = this.rooms.get(name) ?? this.#addRoom(name);
      if (entry.kind === 'private') room.isPrivate = true;
      // Until the room is loaded here, the server's counts are the ones to show.
      if (!room.loaded && Number.isInteger(entry.unread)) room.unread = name === this.current ? 0 : entry.unread;
      if (Number.isInteger(entry.read) && entry.read > room.readSent) room.readSent = entry.read;
    }
    if (!this.current) this.current = this.rooms.keys().next().value ?? null;
    this.synced = true;
    this.#persist();
    clearTimeout(this.roomsTimer);
    this.roomsTimer = null;
    this.#joinAll();
    this.invalidate({ forceBottom: true });
  }

  /** The user's room list changed on the server: a room to add (and join), or one forgotten or removed elsewhere. */
  roomChanged(name, kind, change) {
    if (change === 'added' && !this.rooms.has(name)) {
      const room = this.#addRoom(name);
      room.isPrivate = kind === 'private';
      this.#persist();
      if (this.conn.connected) this.sendJoin(room);
      this.invalidate();
    } else if (change === 'forgotten' && this.rooms.has(name)) {
      this.#drop(name);
    } else if (change === 'removed') {
      this.removedFrom(name);
    }
  }

  #onDown() {
    clearTimeout(this.roomsTimer);
    this.roomsTimer = null;
    for (const room of this.rooms.values()) {
      room.joinedOnConn = false;
      room.joining = false;
      room.historyBusy = false;
      this.#forgetTimers(room);
    }
    this.invalidate();
  }

  #forgetTimers(room) {
    for (const timer of room.typing.values()) clearTimeout(timer);
    room.typing.clear();
    clearTimeout(room.rejoinTimer);
    room.rejoinTimer = null;
    clearTimeout(room.receivedTimer);
    room.receivedTimer = null;
  }

  #persist() {
    savePrefs(this.me, [...this.rooms.keys()], this.current, this.synced);
  }
}

/** A hidden tab is not being read, unless it has focus (e.g. a focused window under automation). */
function pageInView() {
  return document.visibilityState === 'visible' || document.hasFocus();
}
