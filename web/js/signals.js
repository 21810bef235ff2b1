// What the page tells the others without being asked: that the user is typing, how far this page received each
// room, and how far the user read the open one. Each is throttled, so a busy room costs a frame a second at most.

const TYPING_SEND_EVERY_MS = 2000;
const TYPING_SHOW_MS = 3000;
const THROTTLE_MS = 1000;

/** A hidden tab is not being read, unless it has focus (e.g. a focused window under automation). */
export function pageInView() {
  return document.visibilityState === 'visible' || document.hasFocus();
}

export class Signals {
  constructor(chat) {
    this.chat = chat;
    this.typingSentAt = 0;
    this.typingRoom = null;
    this.readTimer = null;
    this.readAt = 0;
  }

  stop() {
    clearTimeout(this.readTimer);
  }

  /** The user typed in the composer: tell the room at most once every 2 s. */
  typed() {
    const chat = this.chat;
    const room = chat.currentRoom();
    if (!room || !room.joinedOnConn) return;
    const now = Date.now();
    if (this.typingRoom === room.name && now - this.typingSentAt < TYPING_SEND_EVERY_MS) return;
    if (chat.conn.send({ type: 'typing', room: room.name })) {
      this.typingRoom = room.name;
      this.typingSentAt = now;
    }
  }

  /** Someone is typing in the room: shown for a few seconds unless they type again. */
  showTyping(room, user) {
    clearTimeout(room.typing.get(user));
    room.typing.set(
      user,
      setTimeout(() => {
        room.typing.delete(user);
        this.chat.invalidate();
      }, TYPING_SHOW_MS),
    );
    this.chat.invalidate();
  }

  stopTyping(room, user) {
    for (const [name, timer] of room.typing) {
      if (name.toLowerCase() === String(user).toLowerCase()) {
        clearTimeout(timer);
        room.typing.delete(name);
      }
    }
  }

  /** Tells the server, at most once a second per room, how far this page has received the room (protocol 2). */
  receivedSoon(room) {
    const chat = this.chat;
    if (chat.protocol < 2 || room.receivedTimer) return;
    room.receivedTimer = setTimeout(() => {
      room.receivedTimer = null;
      const seq = room.maxSeq;
      if (chat.rooms.get(room.name) !== room || !room.joinedOnConn || seq <= room.receivedSent) return;
      if (chat.conn.send({ type: 'received', room: room.name, seq })) room.receivedSent = seq;
    }, THROTTLE_MS);
  }

  /** Moves the user's read marker in the open room to its newest message, at most once a second. */
  markReadSoon() {
    if (this.readTimer) return;
    const chat = this.chat;
    const wait = Math.max(0, this.readAt + THROTTLE_MS - Date.now());
    this.readTimer = setTimeout(() => {
      this.readTimer = null;
      this.readAt = Date.now();
      const room = chat.currentRoom();
      if (!room || !room.joinedOnConn || !pageInView()) return;
      const seq = room.maxSeq;
      if (seq > room.readSent && chat.conn.send({ type: 'read', room: room.name, seq })) room.readSent = seq;
    }, wait);
  }
}
