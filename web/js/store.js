// Room and message state. No DOM here: the controller mutates it, the ui modules read it.
//
// A message object: { seq, id, from, text, ts, own, status, editedAt, deleted, moderated, reactions }
//   seq       room sequence number, null while an own message waits for its ack
//   status    'pending' | 'sent' | 'failed' for own messages, null for others
//   editedAt  when its text was last edited, or null; deleted: true for a placeholder (moderated: removed by a moderator)
//   reactions [{ emoji, count, users }] in the order each emoji was first used (users: the first few who reacted)

import { sameUser } from './validate.js';

export class Room {
  constructor(name) {
    this.name = name;
    this.list = []; // messages that have a seq, ascending
    this.bySeq = new Map();
    this.byId = new Map(); // own messages by client id
    this.pending = []; // own messages without a seq yet (pending or failed), in send order
    this.members = new Set();
    this.typing = new Map(); // user -> timer id
    this.reads = new Map(); // other user -> highest seq they read
    this.unread = 0;
    this.mentions = 0; // unread messages that mention this user (every one of the other's in a direct room)
    this.notify = 'all'; // this user's setting for the room (protocol 2): 'all', 'mentions' or 'muted'
    this.loaded = false; // got a `joined` at least once, so `since` is meaningful
    this.joinedOnConn = false; // joined on the current connection
    this.more = true; // older history may exist
    this.historyBusy = false;
    this.readSent = 0; // the highest seq this user has read here (sent by this page, or told by the server)
    this.receivedSent = 0; // the highest seq this page told the server it received
    this.receivedUpTo = 0; // the user's own messages up to this seq reached another user's device
    this.receivedBy = null; // { count, users } of the latest receipt
    this.receivedTimer = null;
    // The "New messages" line goes above the first message after this seq; null: no line. Set when the room is
    // opened with unread messages, or from the user's own marker the first time the room is loaded.
    this.lineAfter = null;
    this.lineKnown = false;
    this.rejoinTimer = null;
    this.rev = 0; // the latest room revision seen (protocol 2): a rejoin resumes from it
    // Access (protocol 2): a private room has an owner and a roster; a direct room belongs to two users.
    this.isPrivate = false;
    this.direct = false;
    this.owner = null;
    this.roster = [];
    // Moderation (protocol 2): this user's role here, the owners and moderators (user -> role), slow mode in seconds.
    this.role = 'member';
    this.staff = new Map();
    this.slowmode = 0;
    this.create = false; // 'private' or 'public': the user asked to create this room, so the first join is a `create`
    this.peer = ''; // for a direct room: the other user
    this.arrived = false; // put in the list by someone else (a direct message, an invitation) and not loaded yet
    this.invitedBy = null; // who invited the user, while the invitation is not taken up: the room is not joined until then
    this.window = null; // a HistoryWindow on older messages, opened from a search result
    this.reveal = null; // the seq of a message to show once the room is loaded (opened from a search result)
  }

  /** How many loaded messages of other users come after `seq`: what is unread once the user has read up to it. */
  unreadAfter(seq) {
    return this.#countAfter(seq, false);
  }

  /** How many loaded messages of the user's own come after `seq`. */
  ownAfter(seq) {
    return this.#countAfter(seq, true);
  }

  #countAfter(seq, own) {
    let count = 0;
    for (let i = this.list.length - 1; i >= 0 && this.list[i].seq > seq; i--) {
      if (this.list[i].own === own) count++;
    }
    return count;
  }

  noteRev(rev) {
    if (Number.isInteger(rev) && rev > this.rev) this.rev = rev;
  }

  get maxSeq() {
    return this.list.length ? this.list[this.list.length - 1].seq : 0;
  }

  get minSeq() {
    return this.list.length ? this.list[0].seq : 0;
  }

  /** Highest seq up to which everything from the oldest loaded message is present. */
  contiguousTop() {
    if (!this.list.length) return 0;
    let top = this.list[0].seq;
    for (let i = 1; i < this.list.length && this.list[i].seq === top + 1; i++) top++;
    return top;
  }

  hasGap() {
    return this.contiguousTop() !== this.maxSeq;
  }

  canLoadOlder() {
    return this.more && this.list.length > 0 && this.minSeq > 1;
  }

  /**
   * Adds a message from the server (live, replay or history). Returns the stored
   * object when it is new to this room, or null for a duplicate or malformed one.
   * An own message with a known client id completes the local pending copy.
   */
  addServerMessage(raw, me) {
    const seq = raw?.seq;
    if (!Number.isInteger(seq) || seq < 1) return null;
    this.noteRev(raw.rev);
    const known = this.bySeq.get(seq);
    if (known) {
      // A replay or page shows the message as it is now: take its edits, deletion and reactions.
      applyState(known, raw, me);
      return null;
    }
    const own = sameUser(raw.from, me);
    const id = typeof raw.id === 'string' ? raw.id : '';
    let msg = own && id ? this.byId.get(id) : undefined;
    if (msg) {
      if (msg.seq != null) return null; // same id already settled under another seq
      this.#settle(msg, seq, raw.ts);
      msg.from = String(raw.from);
      applyState(msg, raw, me);
      return null; // not new: it was already on screen
    }
    msg = messageFrom(raw, me);
    if (own && id) this.byId.set(id, msg);
    this.#index(msg);
    return msg;
  }

  /** A message loaded here: in the live list, or in the window of older messages opened from a search. */
  find(seq) {
    return this.bySeq.get(seq) ?? this.window?.bySeq.get(seq);
  }

  /** What the message list shows: the window of older messages while one is open, else the live list. */
  shown() {
    return this.window ? this.window.list : this.ordered();
  }

  /**
   * Opens a window on the messages around `seq`, which is older than anything loaded: they are kept apart from the
   * live list (which stays whole from its oldest message to the newest, as a rejoin resumes from it) until paging
   * newer reaches it. Returns the first page to ask for (`history` fields).
   */
  openWindow(seq) {
    const before = Math.min(seq + WINDOW_AFTER + 1, this.list.length ? this.minSeq : Infinity);
    this.window = new HistoryWindow(seq);
    return this.window.ask('around', before, Math.min(WINDOW_PAGE, before - 1));
  }

  /** The window's next page of older messages to ask for, or null when there is none or one is on its way. */
  windowOlder() {
    const w = this.window;
    if (!w || w.asked || !w.older || !w.list.length) return null;
    return w.ask('older', w.minSeq, WINDOW_PAGE);
  }

  /**
   * The window's next page of newer messages to ask for, up to the live list; null when one is on its way, or when
   * the window reached the live list (it is merged into it then).
   */
  windowNewer() {
    const w = this.window;
    if (!w || w.asked || !w.newer || !w.list.length) return null;
    const before = Math.min(w.maxSeq + 1 + WINDOW_PAGE, this.list.length ? this.minSeq : Infinity);
    if (before <= w.maxSeq + 1) {
      this.#mergeWindow();
      return null;
    }
    return w.ask('newer', before, before - w.maxSeq - 1);
  }

  /** A page the window asked for arrived (`more`: the server has older ones). */
  takeWindowPage(raws, more, me) {
    const w = this.window;
    const kind = w.take(raws, me);
    if (kind !== 'newer') w.older = more && w.list.length > 0 && w.minSeq > 1;
    if (kind !== 'older' && w.list.length && this.list.length && w.maxSeq + 1 >= this.minSeq) this.#mergeWindow();
  }

  /** Back to the live list: the window goes. */
  closeWindow() {
    this.window = null;
  }

  // The window reached the live list: its messages join it, which is whole again from the window's oldest.
  #mergeWindow() {
    const w = this.window;
    this.window = null;
    for (const msg of w.list) {
      if (this.bySeq.has(msg.seq)) continue;
      if (msg.own && msg.id) this.byId.set(msg.id, msg);
      this.#index(msg);
    }
    this.more = w.older;
  }

  /** A message's text was edited (by its sender, here or elsewhere). */
  edited(seq, text, editedAt) {
    const msg = this.find(seq);
    if (!msg || msg.deleted || typeof text !== 'string') return;
    msg.text = text;
    msg.editedAt = typeof editedAt === 'string' ? editedAt : new Date().toISOString();
  }

  /** A message was deleted (by a moderator, when `moderated`): it stays as a placeholder. */
  deleted(seq, moderated = false) {
    const msg = this.find(seq);
    if (!msg) return;
    msg.deleted = true;
    msg.moderated = moderated;
    msg.text = '';
    msg.editedAt = null;
    msg.reactions = [];
    msg.attachment = null;
    msg.mine.clear();
  }

  /** A reaction was added or taken back; count is the emoji's total after it, when the server said. */
  reacted(seq, user, emoji, added, count, me) {
    const msg = this.find(seq);
    if (!msg || msg.deleted || typeof emoji !== 'string') return;
    let entry = msg.reactions.find((r) => r.emoji === emoji);
    if (!entry && added) {
      entry = { emoji, count: 0, users: [] };
      msg.reactions.push(entry);
    }
    if (!entry) return;
    const listed = entry.users.findIndex((u) => sameUser(u, user));
    if (added && listed < 0 && entry.users.length < 10) entry.users.push(String(user));
    if (!added && listed >= 0) entry.users.splice(listed, 1);
    entry.count = Number.isInteger(count) ? count : Math.max(0, entry.count + (added ? 1 : -1));
    if (sameUser(user, me)) {
      if (added) msg.mine.add(emoji);
      else msg.mine.delete(emoji);
    }
    if (entry.count <= 0) msg.reactions = msg.reactions.filter((r) => r !== entry);
  }

  addPending(msg) {
    this.byId.set(msg.id, msg);
    this.pending.push(msg);
  }

  /** Applies an ack; false when the id is unknown or already settled. */
  ack(id, seq, ts) {
    const msg = this.byId.get(id);
    if (!msg || msg.seq != null || !Number.isInteger(seq)) return false;
    if (this.bySeq.has(seq)) {
      // The replay already delivered this seq under another object: keep one copy.
      this.pending = this.pending.filter((m) => m !== msg);
      return false;
    }
    this.#settle(msg, seq, ts);
    return true;
  }

  /** Drops every settled message (keeps own unsent ones), e.g. after a truncated replay. */
  clearSettled() {
    for (const msg of this.list) if (msg.own && msg.id) this.byId.delete(msg.id);
    this.list = [];
    this.bySeq.clear();
    this.more = true;
  }

  /** What the list shows: settled messages by seq, then own unsent ones. */
  ordered() {
    return this.pending.length ? this.list.concat(this.pending) : this.list;
  }

  #settle(msg, seq, ts) {
    msg.seq = seq;
    if (typeof ts === 'string') msg.ts = ts;
    msg.status = 'sent';
    this.pending = this.pending.filter((m) => m !== msg);
    this.#index(msg);
  }

  #index(msg) {
    this.bySeq.set(msg.seq, msg);
    const list = this.list;
    if (!list.length || list[list.length - 1].seq < msg.seq) {
      list.push(msg);
      return;
    }
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].seq < msg.seq) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, msg);
  }
}

// A window opened on a message from a search: this many messages after it, and pages of this many.
const WINDOW_AFTER = 25;
const WINDOW_PAGE = 50;

/**
 * Older messages around one opened from a search, in seq order, with no gap: paged older and newer with `history`
 * (`before`, `limit`), one request at a time, whose answer is known by the seqs it holds.
 */
class HistoryWindow {
  constructor(anchor) {
    this.anchor = anchor;
    this.list = [];
    this.bySeq = new Map();
    this.older = true; // the server may have older messages than the window's first
    this.newer = true; // and newer ones before the live list (false once a page of newer ones came back empty)
    this.asked = null; // { kind, before, limit } of the page on its way
  }

  get minSeq() {
    return this.list.length ? this.list[0].seq : 0;
  }

  get maxSeq() {
    return this.list.length ? this.list[this.list.length - 1].seq : 0;
  }

  ask(kind, before, limit) {
    this.asked = { kind, before, limit };
    return { before, limit };
  }

  /** Whether a `history` answer is the page this window asked for: every seq in the range asked. */
  expects(raws) {
    const asked = this.asked;
    return Boolean(asked) && raws.every((m) => Number.isInteger(m?.seq) && m.seq < asked.before && m.seq >= asked.before - asked.limit);
  }

  /** Takes the page asked for; returns which it was. */
  take(raws, me) {
    const kind = this.asked.kind;
    this.asked = null;
    if (kind === 'newer' && !raws.length) this.newer = false;
    for (const raw of raws) {
      const known = this.bySeq.get(raw.seq);
      if (known) applyState(known, raw, me);
      else if (raw.seq >= 1) this.bySeq.set(raw.seq, messageFrom(raw, me));
    }
    this.list = [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
    return kind;
  }
}

/** A message object (see the top of this file) from the server's message object. */
function messageFrom(raw, me) {
  const own = sameUser(raw.from, me);
  const msg = {
    seq: raw.seq,
    id: typeof raw.id === 'string' ? raw.id : '',
    from: String(raw.from ?? ''),
    text: String(raw.text ?? ''),
    ts: typeof raw.ts === 'string' ? raw.ts : null,
    own,
    status: own ? 'sent' : null,
    editedAt: null,
    deleted: false,
    reactions: [],
    mine: new Set(), // emoji this user reacted with
    replyTo: Number.isInteger(raw.replyTo) && raw.replyTo > 0 ? raw.replyTo : null, // the seq of the message it answers
  };
  applyState(msg, raw, me);
  return msg;
}

/** Takes a message object's current state (protocol 2 fields) onto a stored message. */
function applyState(msg, raw, me) {
  if (raw.deleted === true) {
    msg.deleted = true;
    msg.moderated = raw.moderated === true;
    msg.text = '';
    msg.editedAt = null;
    msg.reactions = [];
    msg.attachment = null;
    msg.mine?.clear();
    return;
  }
  if (typeof raw.text === 'string') msg.text = raw.text;
  msg.attachment = attachmentOf(raw.attachment) ?? msg.attachment ?? null;
  msg.editedAt = typeof raw.editedAt === 'string' ? raw.editedAt : null;
  const reactions = Array.isArray(raw.reactions) ? raw.reactions : [];
  msg.reactions = reactions
    .filter((r) => r && typeof r.emoji === 'string' && Number.isInteger(r.count) && r.count > 0)
    .map((r) => ({ emoji: r.emoji, count: r.count, users: Array.isArray(r.users) ? r.users.map(String) : [] }));
  if (!msg.mine) msg.mine = new Set();
  // What we know of our own reactions: those naming us, and those we made here that a short list may leave out.
  for (const r of msg.reactions) if (r.users.some((u) => sameUser(u, me))) msg.mine.add(r.emoji);
  for (const emoji of [...msg.mine]) if (!msg.reactions.some((r) => r.emoji === emoji)) msg.mine.delete(emoji);
}

/**
 * A message's photo, from the server's `attachment` object: its id, and the size to lay it out in. The addresses
 * are made here from the id, never taken from the frame, so that a message can only ever show this server's photos.
 */
export function attachmentOf(raw) {
  if (!raw || typeof raw.id !== 'string' || !/^[0-9a-f]{32}$/.test(raw.id)) return null;
  const size = (n) => (Number.isInteger(n) && n > 0 ? n : null);
  return {
    id: raw.id,
    url: `/api/attachments/${raw.id}`,
    thumbnailUrl: `/api/attachments/${raw.id}/thumbnail`,
    width: size(raw.width),
    height: size(raw.height),
  };
}
