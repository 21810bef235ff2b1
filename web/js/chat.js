// The chat controller: owns the rooms, the connection and the user's actions, and
// batches rendering into one pass per task. Server frames are handled in frames.js; the
// account's room list in roomlist.js, edits and reactions in changes.js, typing and
// receipts in signals.js, own messages on their way in outgoing.js.

import { Room } from './store.js';
import { Connection } from './connection.js';
import { loadPrefs, savePrefs } from './storage.js';
import { handleFrame } from './frames.js';
import { ROOM_RE, DIRECT_RE, directPeer } from './validate.js';
import { notify } from './ui/notify.js';
import { MessageChanges } from './changes.js';
import { Signals, pageInView } from './signals.js';
import { AccountRooms } from './roomlist.js';
import { Outgoing } from './outgoing.js';
import { newClientId } from './ids.js';
import { Profiles } from './profiles.js';

const GAP_WAIT_MS = 1500;
const REJOIN_WAIT_MS = 3000;
const HISTORY_PAGE = 50;

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
    this.protocol = 1; // from welcome: 2 when the server takes edits, reactions and resumes by revision
    this.outgoing = new Outgoing(this);
    this.changes = new MessageChanges(this);
    this.signals = new Signals(this);
    this.account = new AccountRooms(this);
    this.profiles = new Profiles(this);
    this.blocked = new Set(); // users this user blocked, in lower case: their messages fold away (protocol 2)
    this.reported = new Set(); // ids of reports awaiting their ack
    this.searching = null; // the id of the search awaiting its results
    this.resolving = new Set(); // ids of `resolve` frames awaiting their ack
    this.profileSave = null; // { avatar }: a profile change awaiting the server's answer
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
      room.mentions = 0;
      room.attention = false;
      this.invalidate();
    };
  }

  start(token) {
    const prefs = loadPrefs(this.me);
    for (const name of prefs.rooms) this.addRoom(name);
    this.current = prefs.current ?? prefs.rooms[0] ?? null;
    this.account.synced = prefs.synced;
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
    this.signals.stop();
    this.profiles.stop();
    this.account.stop();
    for (const room of this.rooms.values()) this.forgetTimers(room);
  }

  currentRoom() {
    return this.current ? this.rooms.get(this.current) ?? null : null;
  }

  /** Whether new messages in this room are in front of the user right now. */
  isShown(room) {
    return room.name === this.current && pageInView();
  }

  // ---- user actions -------------------------------------------------------

  /**
   * Joins (if new) and opens a room, or creates it private; returns '' or a problem to show. With `claim`, a room
   * typed by name that does not exist yet is created public, so that its maker owns (and moderates) it; one that
   * exists is simply joined.
   */
  join(name, { createPrivate = false, claim = false } = {}) {
    if (!ROOM_RE.test(name) && !DIRECT_RE.test(name)) return 'Only a–z, 0–9, _ and - (1–64 characters)';
    if (createPrivate && this.protocol < 2) return 'This server has no private rooms';
    if (!this.rooms.has(name)) {
      const room = this.addRoom(name);
      room.create = createPrivate ? 'private' : claim && this.protocol >= 2 && ROOM_RE.test(name) ? 'public' : false;
      room.requested = true;
      this.sendJoin(room);
    } else if (this.rooms.get(name).invitedBy && !createPrivate) {
      this.account.accept(name);
    } else if (createPrivate) {
      return `You are in #${name} already`;
    }
    this.select(name);
    return '';
  }

  /** Takes a room off this page (the server dropped it, or never had it). */
  dropRoom(name) {
    this.forgetTimers(this.rooms.get(name));
    this.rooms.delete(name);
    if (this.current === name) this.current = this.rooms.keys().next().value ?? null;
    this.persist();
    this.invalidate({ forceBottom: true });
  }

  addRoom(name) {
    const room = new Room(name);
    room.peer = directPeer(name, this.me);
    room.direct = Boolean(room.peer);
    this.rooms.set(name, room);
    return room;
  }

  select(name) {
    const room = this.rooms.get(name);
    if (!room) return;
    // Leaving a room's window of older messages: it opens on its newest messages when it is back.
    if (this.current !== name) this.currentRoom()?.closeWindow();
    this.current = name;
    room.lineKnown = true;
    room.lineAfter = room.unread > 0 ? room.readSent : null;
    room.unread = 0;
    room.mentions = 0;
    room.attention = false;
    this.persist();
    this.invalidate({ forceBottom: true });
    this.ui.composer.focus();
  }

  /** Whether this user moderates `room`: its moderator or owner, or a server administrator. */
  moderates(room) {
    return Boolean(room) && (this.admin || room.role === 'owner' || room.role === 'moderator');
  }

  /**
   * A moderation of the current room: `kick`, `ban` or `mute` (for `minutes`, when given) of `user`. The server's
   * `ack` or `error` answers it; what it changed arrives as `moderation` to everyone else.
   */
  moderate(action, user, minutes = null) {
    const room = this.currentRoom();
    if (!room || !room.joinedOnConn) return;
    const frame = { type: action, room: room.name, id: newClientId(), user };
    if (minutes) frame.until = new Date(Date.now() + minutes * 60_000).toISOString();
    this.conn.send(frame);
  }

  /**
   * Changes the user's profile (`name`, `status`, `avatar`: the fields given); the server answers with `profile`, or
   * an error the editor shows. False when it could not be sent.
   */
  saveProfile(fields) {
    if (this.protocol < 2 || !this.conn.send({ type: 'profile', ...fields })) return false;
    this.profileSave = { avatar: typeof fields.avatar === 'string' ? fields.avatar : null };
    return true;
  }

  /**
   * Who an `@` typed in the current room may mean: its members and the authors of what is loaded (the newest first),
   * not the user, whose name or display name starts with `prefix`; at most `limit`, as { user, name }.
   */
  mentionCandidates(prefix, limit = 6) {
    const room = this.currentRoom();
    if (!room) return [];
    const users = new Map();
    for (const msg of [...room.list].reverse()) users.set(msg.from.toLowerCase(), msg.from);
    for (const user of room.members) users.set(user.toLowerCase(), user);
    users.delete(this.me.toLowerCase());
    for (const user of users.values()) this.profiles.want(user);
    return this.profiles.matching(users.values(), prefix, limit).map((user) => ({ user, name: this.profiles.get(user)?.name ?? null }));
  }

  /** Blocks (or unblocks) a user for this user, on every device: the server answers with the new list (`blocks`). */
  block(user, on) {
    if (this.protocol >= 2) this.conn.send({ type: on ? 'block' : 'unblock', user });
  }

  isBlocked(user) {
    return typeof user === 'string' && this.blocked.has(user.toLowerCase());
  }

  /** Reports message `seq` of the current room to its moderators. */
  report(seq) {
    const room = this.currentRoom();
    if (!room || !room.joinedOnConn || this.protocol < 2) return;
    const id = newClientId();
    if (this.conn.send({ type: 'report', room: room.name, id, seq })) this.reported.add(id);
  }

  /**
   * This user's notification setting for the current room, on every device: shown at once, and as the server stored
   * it when its `notify` answers.
   */
  setNotify(level) {
    const room = this.currentRoom();
    if (!room || this.protocol < 2 || !['all', 'mentions', 'muted'].includes(level)) return;
    if (this.conn.send({ type: 'notify', room: room.name, level })) room.notify = level;
    this.invalidate();
  }

  /**
   * Asks for a page of reports: of `room` (this user moderates it), or of every room (an administrator) when null;
   * only those not handled when `open`; older than `before` (a report's `ts`) when given.
   */
  listReports(room, open, before = null) {
    if (this.protocol < 2) return false;
    const frame = { type: 'reports', open };
    if (room) frame.room = room;
    if (before) frame.before = before;
    return this.conn.send(frame);
  }

  /** Marks every open report of message `seq` of `room` handled. */
  resolveReports(room, seq) {
    if (this.protocol < 2) return false;
    const id = newClientId();
    if (!this.conn.send({ type: 'resolve', room, id, seq })) return false;
    this.resolving.add(id);
    return true;
  }

  /** An administrator suspends `user`'s account until lifted. */
  suspend(user) {
    if (this.admin) this.conn.send({ type: 'suspend', id: newClientId(), user });
  }

  /** Leaves a room; with protocol 2 it also goes from the user's room list on every device (`forget`). */
  leave(name) {
    const room = this.rooms.get(name);
    if (!room) return;
    this.conn.send({ type: this.protocol >= 2 ? 'forget' : 'leave', room: name });
    this.forgetTimers(room);
    this.rooms.delete(name);
    if (this.current === name) this.current = this.rooms.keys().next().value ?? null;
    this.persist();
    this.invalidate({ forceBottom: true });
  }

  /** A message for this user that they have not seen: the title says so, and a notification when allowed. */
  callAttention(room, msg) {
    if (room.notify === 'muted') return;
    room.attention = true;
    const where = room.direct ? msg.from : `${msg.from} in #${room.name}`;
    notify(`New message from ${where}`, msg.text.slice(0, 140), room.name, () => this.select(room.name));
    this.invalidate();
  }

  /**
   * Searches every message the user may read, across rooms; the answer (`results`) goes to the search dialog. `after`
   * is the `next` of the page before. False when it cannot be asked now.
   */
  search(query, after = null) {
    if (this.protocol < 2) return false;
    const id = newClientId();
    const frame = { type: 'search', id, query };
    if (after) frame.after = after;
    if (!this.conn.send(frame)) return false;
    this.searching = id;
    return true;
  }

  /**
   * Opens message `seq` of room `name`, found by a search, with the messages around it loaded. A room the user is not
   * in (a public one) is joined. Returns '' or a problem to show.
   */
  openMessage(name, seq) {
    if (!this.rooms.has(name)) {
      const problem = this.join(name);
      if (problem) return problem;
    }
    const room = this.rooms.get(name);
    room.reveal = seq;
    this.select(name);
    this.revealMessage(room);
    return '';
  }

  /**
   * Shows the message a search opened, once its room is loaded: where it is loaded already, else in a window of
   * older messages around it (the live list stays as it is), which pages newer until it meets the live list.
   */
  revealMessage(room) {
    const seq = room.reveal;
    if (seq == null || !room.loaded || !room.joinedOnConn || this.rooms.get(room.name) !== room) return;
    if (room.find(seq)) {
      room.reveal = null;
      this.invalidate({ reveal: seq });
    } else if (room.list.length && seq >= room.minSeq) {
      // Newer than the oldest loaded, yet not here: a gap that the rejoin fills. The room shows as it is.
      room.reveal = null;
    } else if (room.window?.anchor !== seq) {
      this.#windowPage(room, room.openWindow(seq));
    } else if (!room.window.asked) {
      // The window came without it (deleted since): it shows where the message was.
      room.reveal = null;
    }
  }

  loadOlder() {
    const room = this.currentRoom();
    if (room?.window) {
      this.#windowPage(room, room.windowOlder());
      return;
    }
    if (!room || room.historyBusy || !room.canLoadOlder()) return;
    if (this.conn.send({ type: 'history', room: room.name, before: room.minSeq, limit: HISTORY_PAGE })) {
      room.historyBusy = true;
      this.invalidate();
    }
  }

  /** In a window of older messages: the next newer page, or the live list once the window reaches it. */
  loadNewer() {
    const room = this.currentRoom();
    if (!room?.window) return;
    this.#windowPage(room, room.windowNewer());
    this.invalidate();
  }

  /** From a window of older messages back to the newest ones. */
  jumpToPresent() {
    this.currentRoom()?.closeWindow();
    this.invalidate({ forceBottom: true });
  }

  #windowPage(room, page) {
    if (!page) return;
    if (!this.conn.send({ type: 'history', room: room.name, ...page })) room.window.asked = null;
    this.invalidate();
  }

  refreshToken(token) {
    this.conn.token = token;
    this.conn.send({ type: 'refresh', token });
  }

  // ---- used by frames.js --------------------------------------------------

  sendJoin(room) {
    if (room.create && !room.loaded) {
      this.conn.send({ type: 'create', room: room.name, private: room.create === 'private' });
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
    this.ui.header.render(room, this.me, this.admin);
    this.ui.messages.render(room, this.me, hint);
    this.ui.invitation.render(room);
    // An invitation not taken up is not joined: nothing can be sent there yet.
    this.ui.composer.setRoom(room && !room.invitedBy ? room.name : null, room?.direct ? room.peer : undefined);
    // What asks for the user's attention, by each room's setting: every unread message, only mentions, or nothing.
    const unread = rooms.reduce((sum, r) => sum + (r.notify === 'muted' ? 0 : r.notify === 'mentions' ? r.mentions : r.unread), 0);
    const attention = rooms.some((r) => r.attention && r.notify !== 'muted');
    document.title = `${unread ? `(${unread}) ` : ''}${attention ? '@ ' : ''}ActorChat`;
    if (room && room.maxSeq > room.readSent) this.signals.markReadSoon();
  }

  #onWelcome(frame) {
    this.protocol = Number.isInteger(frame.protocol) ? frame.protocol : 1;
    this.admin = frame.admin === true;
    if (typeof frame.user === 'string' && frame.user) {
      this.me = frame.user;
      this.ui.sidebar.setUser(this.me);
    }
    if (this.protocol < 2) {
      this.joinAll();
      return;
    }
    // The server keeps the user's rooms: they come first; then whom the user blocked.
    this.account.request();
    this.conn.send({ type: 'blocks' });
    this.profiles.resync();
    this.profiles.want(this.me);
  }

  /** Joins every room not joined on this connection yet. */
  joinAll() {
    for (const room of this.rooms.values()) {
      if (!room.joinedOnConn && !room.joining && !room.invitedBy) this.sendJoin(room);
    }
  }

  #onDown() {
    this.account.stop();
    this.account.forgetInvites();
    for (const room of this.rooms.values()) {
      room.joinedOnConn = false;
      room.joining = false;
      room.historyBusy = false;
      if (room.window) room.window.asked = null;
      this.forgetTimers(room);
    }
    this.invalidate();
  }

  forgetTimers(room) {
    for (const timer of room.typing.values()) clearTimeout(timer);
    room.typing.clear();
    clearTimeout(room.rejoinTimer);
    room.rejoinTimer = null;
    clearTimeout(room.receivedTimer);
    room.receivedTimer = null;
  }

  /** Remembers this browser's rooms, the open one and whether the server's list was taken in. */
  persist() {
    savePrefs(this.me, [...this.rooms.keys()], this.current, this.account.synced);
  }
}
