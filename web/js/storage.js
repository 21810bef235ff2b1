// Per-user preferences in localStorage: the rooms to rejoin after a reload, the last open room, and whether the
// server's room list (protocol 2) has been taken in once: from then on the server's list decides, so a room
// forgotten on another device does not come back from this one.

import { ROOM_RE, DIRECT_RE } from './validate.js';

const keyFor = (user) => `actorchat:v1:${String(user).toLowerCase()}`;

export function loadPrefs(user) {
  try {
    const value = JSON.parse(localStorage.getItem(keyFor(user)) || 'null') || {};
    const rooms = Array.isArray(value.rooms)
      ? [...new Set(value.rooms.filter((r) => typeof r === 'string' && (ROOM_RE.test(r) || DIRECT_RE.test(r))))]
      : [];
    const current = rooms.includes(value.current) ? value.current : null;
    return { rooms, current, synced: value.synced === true };
  } catch {
    return { rooms: [], current: null, synced: false };
  }
}

export function savePrefs(user, rooms, current, synced) {
  try {
    localStorage.setItem(keyFor(user), JSON.stringify({ rooms, current, synced }));
  } catch {
    // Storage full or disabled: the chat still works, it just won't remember.
  }
}
