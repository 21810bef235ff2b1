// Room and message state. No DOM here: the controller mutates it, the ui modules read it.
//
// A message object: { seq, id, from, text, ts, own, status }
//   seq    room sequence number, null while an own message waits for its ack
//   status 'pending' | 'sent' | 'failed' for own messages, null for others

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
    this.loaded = false; // got a `joined` at least once, so `since` is meaningful
    this.joinedOnConn = false; // joined on the current connection
    this.more = true; // older history may exist
    this.historyBusy = false;
    this.readSent = 0; // the highest seq this user has read here (sent by this page, or told by the server)
    // The "New messages" line goes above the first message after this seq; null: no line. Set when the room is
    // opened with unread messages, or from the user's own marker the first time the room is loaded.
    this.lineAfter = null;
    this.lineKnown = false;
    this.rejoinTimer = null;
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
    if (!Number.isInteger(seq) || seq < 1 || this.bySeq.has(seq)) return null;
    const own = sameUser(raw.from, me);
    const id = typeof raw.id === 'string' ? raw.id : '';
    let msg = own && id ? this.byId.get(id) : undefined;
    if (msg) {
      if (msg.seq != null) return null; // same id already settled under another seq
      this.#settle(msg, seq, raw.ts);
      msg.from = String(raw.from);
      return null; // not new: it was already on screen
    }
    msg = {
      seq,
      id,
      from: String(raw.from ?? ''),
      text: String(raw.text ?? ''),
      ts: typeof raw.ts === 'string' ? raw.ts : null,
      own,
      status: own ? 'sent' : null,
    };
    if (own && id) this.byId.set(id, msg);
    this.#index(msg);
    return msg;
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
