// Client-side rules mirror the server's (PROTOCOL.md), so most mistakes are caught before a round trip.

export const USERNAME_RE = /^[A-Za-z0-9_.-]{3,32}$/;
export const ROOM_RE = /^[a-z0-9_-]{1,64}$/;
export const MIN_PASSWORD = 8;
export const MAX_TEXT = 4000;

const AUTH_TEXT = {
  invalid_username: 'Invalid username: 3–32 characters: letters, digits, _ . -',
  weak_password: 'Password too weak: use at least 8 characters',
  username_taken: 'That username is already taken — try another one',
  invalid_credentials: 'Wrong username or password',
  account_suspended: 'This account is suspended by the server’s administrators',
  rate_limited: 'Slow down: too many attempts',
  too_many_registrations: 'Too many accounts were registered from this address',
  network: 'Can’t reach the server — check your connection and try again',
};

/** "a minute", "5 minutes", "an hour": how long a wait of that many seconds is, rounded up. */
export function waitText(seconds) {
  if (seconds < 60) return seconds <= 1 ? 'a second' : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return minutes === 1 ? 'a minute' : `${minutes} minutes`;
  const hours = Math.ceil(minutes / 60);
  return hours === 1 ? 'an hour' : `${hours} hours`;
}

/** Human text for an auth failure: an error code from the server, or an HTTP status, and the wait the server asks for. */
export function authErrorText(code, status, retryAfter) {
  if (status === 429) {
    const text = AUTH_TEXT[code === 'too_many_registrations' ? code : 'rate_limited'];
    return retryAfter ? `${text} — try again in ${waitText(retryAfter)}` : `${text} — wait a little and try again`;
  }
  if (code && AUTH_TEXT[code]) return AUTH_TEXT[code];
  if (status === 0) return AUTH_TEXT.network;
  return `Something went wrong (HTTP ${status}). Please try again.`;
}

/** Problems found before asking the server; '' when the input looks acceptable. */
export function checkCredentials(username, password, forRegister) {
  if (!username) return 'Enter a username';
  if (forRegister && !USERNAME_RE.test(username)) return AUTH_TEXT.invalid_username;
  if (!password) return 'Enter a password';
  if (forRegister && password.length < MIN_PASSWORD) return AUTH_TEXT.weak_password;
  return '';
}

export function normalizeRoom(input) {
  return String(input ?? '').trim().toLowerCase();
}

/** '' when the (normalized) room name is valid, otherwise a hint to show. */
export function roomProblem(name) {
  if (!name) return '';
  if (name.length > 64) return 'At most 64 characters';
  if (!ROOM_RE.test(name)) return 'Only a–z, 0–9, _ and - (no spaces)';
  return '';
}

/** A direct room's name: dm: and the two usernames in lower case, in order (PROTOCOL.md, version 2). */
export const DIRECT_RE = /^dm:([a-z0-9_.-]{3,32}):([a-z0-9_.-]{3,32})$/;

/** The direct room of two users, or '' for one user alone. */
export function directRoom(me, other) {
  const [a, b] = [String(me).toLowerCase(), String(other).toLowerCase()];
  if (a === b) return '';
  return a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`;
}

/** The other user of a direct room, or '' when the name is not one of this user's. */
export function directPeer(room, me) {
  const match = DIRECT_RE.exec(room);
  if (!match) return '';
  const self = String(me).toLowerCase();
  return match[1] === self ? match[2] : match[2] === self ? match[1] : '';
}

/** User names are unique without regard to case. */
export function sameUser(a, b) {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}
