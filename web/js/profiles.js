// Users' profiles (display name, status, avatar) as the server last told them (protocol 2). A name shown for the
// first time is looked up (`profiles`, batched); `profile` frames keep them in step, the higher `rev` winning, since
// a user sharing several rooms with this one is heard of once per room. Listeners hear of every change.

const LOOKUP_MAX = 100; // names per `profiles` frame
const BATCH_MS = 30; // names wanted within this time go in one lookup

export class Profiles {
  /** @param {object} chat  the chat: its protocol and connection */
  constructor(chat) {
    this.chat = chat;
    this.known = new Map(); // lower-case username -> { user, name, status, avatar: { id, url, thumbnailUrl } | null, rev }
    this.asked = new Set(); // lower-case usernames looked up (or known) on this connection
    this.wanted = new Map(); // lower-case username -> username, to look up at the next batch
    this.timer = null;
    this.listeners = new Set();
  }

  /** The profile of `user` (any case), or null: none known yet, or the user has none. */
  get(user) {
    return typeof user === 'string' ? this.known.get(user.toLowerCase()) ?? null : null;
  }

  /** The name to show for `user`: their display name, else the username. Unknown users are looked up. */
  nameOf(user) {
    this.want(user);
    return this.get(user)?.name || user;
  }

  /** Looks `user` up unless it was, on this connection. */
  want(user) {
    if (typeof user !== 'string' || !user || this.chat.protocol < 2) return;
    const key = user.toLowerCase();
    if (this.asked.has(key)) return;
    this.asked.add(key);
    this.wanted.set(key, user);
    this.timer ??= setTimeout(() => this.#lookUp(), BATCH_MS);
  }

  /** After (re)connecting: everyone shown may have changed meanwhile, so all are looked up again. */
  resync() {
    const shown = [...this.known.values()].map((profile) => profile.user);
    this.asked.clear();
    for (const user of [...shown, ...this.wanted.values()]) this.want(user);
  }

  /** A profile from the server (`profile`, or an entry of `profiles`): kept when it is newer than the one held. */
  apply(profile) {
    if (!profile || typeof profile.user !== 'string' || !Number.isInteger(profile.rev)) return;
    const key = profile.user.toLowerCase();
    const held = this.known.get(key);
    if (held && held.rev >= profile.rev) return;
    // Only the server's own photo paths: nothing else goes into the page's styles.
    const avatar = profile.avatar && /^\/api\/attachments\/[0-9a-f]{32}\/thumbnail$/.test(profile.avatar.thumbnailUrl) ? profile.avatar : null;
    const kept = {
      user: profile.user,
      name: typeof profile.name === 'string' && profile.name ? profile.name : null,
      status: typeof profile.status === 'string' && profile.status ? profile.status : null,
      avatar,
      rev: profile.rev,
    };
    this.known.set(key, kept);
    this.asked.add(key);
    for (const listener of this.listeners) listener(kept);
  }

  /** Calls `listener(profile)` on every change; returns the way to stop. */
  listen(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Users known by a name or display name starting with `prefix` (any case), among `users`; at most `limit`. */
  matching(users, prefix, limit) {
    const wanted = prefix.toLowerCase();
    const found = [];
    for (const user of users) {
      const name = this.get(user)?.name ?? '';
      const words = [user, name, ...name.split(/\s+/)].map((word) => word.toLowerCase());
      if (words.some((word) => word && word.startsWith(wanted))) found.push(user);
      if (found.length >= limit) break;
    }
    return found;
  }

  stop() {
    clearTimeout(this.timer);
    this.timer = null;
  }

  #lookUp() {
    this.timer = null;
    const users = [...this.wanted.values()];
    this.wanted.clear();
    for (let i = 0; i < users.length; i += LOOKUP_MAX) {
      // Not connected: asked again by resync() on the next welcome.
      if (!this.chat.conn.send({ type: 'profiles', users: users.slice(i, i + LOOKUP_MAX) })) {
        for (const user of users.slice(i)) this.wanted.set(user.toLowerCase(), user);
        return;
      }
    }
  }
}
