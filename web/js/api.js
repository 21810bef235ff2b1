// HTTP calls to the same-origin account API. Every call resolves (never throws):
// { ok, status, data, error, retryAfter } where status 0 means the server could not be reached.

const TIMEOUT_MS = 10_000;

async function request(method, path, body) {
  const init = { method, credentials: 'same-origin', cache: 'no-store', headers: {} };
  // A hung request must not freeze sign-in or the reconnect loop.
  if (typeof AbortSignal.timeout === 'function') init.signal = AbortSignal.timeout(TIMEOUT_MS);
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    return { ok: false, status: 0, data: null, error: 'network' };
  }
  let data = null;
  try {
    const text = await res.text();
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  const error = data && typeof data.error === 'string' ? data.error : null;
  // Seconds to wait, as a refusal for too many attempts says.
  const retryAfter = Number.parseInt(res.headers.get('Retry-After') || '', 10);
  return { ok: res.ok, status: res.status, data, error, retryAfter: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null };
}

export const register = (username, password) => request('POST', '/api/register', { username, password });
export const login = (username, password) => request('POST', '/api/login', { username, password });
export const logout = () => request('POST', '/api/logout');
export const logoutEverywhere = () => request('POST', '/api/logout-everywhere');

/** False when this browser holds no sign-in cookie (the server sets `actorchat_signed_in` beside it). */
export const maybeSignedIn = () => document.cookie.split(';').some((c) => c.trim().startsWith('actorchat_signed_in='));

/** The cookie's session with a fresh token: 200 {username, token, expiresAt} or 401. */
export const session = () => request('GET', '/api/session');

/** ws(s)://same-host/ws: the socket is authenticated by the HttpOnly cookie, so no token appears in any URL or log. */
export function socketUrl() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}
