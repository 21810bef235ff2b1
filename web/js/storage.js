// Per-user preferences in localStorage: the rooms to rejoin after a reload and the last open room.

import { ROOM_RE } from './validate.js';

const keyFor = (user) => `actorchat:v1:${String(user).toLowerCase()}`;

export function loadPrefs(user) {
  try {
    const value = JSON.parse(localStorage.getItem(keyFor(user)) || 'null') || {};
    const rooms = Array.isArray(value.rooms)
      ? [...new Set(value.rooms.filter((r) => typeof r === 'string' && ROOM_RE.test(r)))]
      : [];
    const current = rooms.includes(value.current) ? value.current : null;
    return { rooms, current };
  } catch {
    return { rooms: [], current: null };
  }
}

export function savePrefs(user, rooms, current) {
  try {
    localStorage.setItem(keyFor(user), JSON.stringify({ rooms, current }));
  } catch {
    // Storage full or disabled: the chat still works, it just won't remember.
  }
}
