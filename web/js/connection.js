// WebSocket client: connects with a token, keeps the socket alive with pings, and
// reconnects by itself with exponential backoff until stop() is called.

import { socketUrl } from './api.js';

// After this much silence the page asks the server for a pong; no frame within the answer limit after that means
// the socket is dead, whatever TCP thinks. A dropped connection is noticed within 8 s (4 s of silence, a check every
// half second, 3 s for the answer), with room to spare for timers that run late on a busy machine.
const CHECK_EVERY_MS = 500;
const SILENCE_BEFORE_PING_MS = 4_000;
const ANSWER_LIMIT_MS = 3_000;
const BACKOFF_START_MS = 500;
const BACKOFF_MAX_MS = 10_000;
const CLOSE_POLICY = 1008;

/** 0.5 s doubling to 10 s; the wait is drawn from the upper half of the step (jitter). */
export function backoffDelay(attempt) {
  const step = Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** attempt);
  return Math.round(step / 2 + Math.random() * (step / 2));
}

export class Connection {
  /**
   * @param {object} hooks
   *   getToken(): Promise<{status:'ok',token}|{status:'unauthorized'}|{status:'error'}>
   *   onWelcome(frame), onFrame(frame), onDown(), onStatus(state), onAuthLost(reason)
   */
  constructor(hooks) {
    this.hooks = hooks;
    this.ws = null;
    this.token = null;
    this.connected = false; // true between `welcome` and close
    this.generation = 0; // increments on every welcome
    this.attempt = 0;
    this.stopped = true;
    this.retryTimer = null;
    this.pingTimer = null;
    this.lastFrameAt = 0;
    this.pingSentAt = 0; // a ping waiting for any frame to come back, or 0
    this.onOnline = () => this.#retryNow();
  }

  start(token) {
    this.stopped = false;
    this.token = token;
    this.attempt = 0;
    window.addEventListener('online', this.onOnline);
    this.#open();
  }

  stop() {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    clearTimeout(this.retryTimer);
    this.#stopPing();
    const ws = this.ws;
    this.ws = null;
    this.connected = false;
    if (ws) {
      try {
        ws.close(1000, 'signed out');
      } catch {
        /* already closed */
      }
    }
    this.#status('offline');
  }

  /** Sends one frame; false when there is no live connection. */
  send(frame) {
    if (!this.connected || !this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  #open() {
    if (this.stopped) return;
    this.#status(this.attempt === 0 ? 'connecting' : 'reconnecting');
    let ws;
    try {
      ws = new WebSocket(socketUrl());
    } catch {
      this.#scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.addEventListener('message', (ev) => this.#onMessage(ws, ev));
    ws.addEventListener('close', (ev) => this.#onClose(ws, ev.code, ev.reason));
  }

  #onMessage(ws, ev) {
    if (ws !== this.ws || typeof ev.data !== 'string') return;
    this.lastFrameAt = Date.now();
    this.pingSentAt = 0;
    let frame;
    try {
      frame = JSON.parse(ev.data);
    } catch {
      return;
    }
    if (!frame || typeof frame !== 'object' || typeof frame.type !== 'string') return;
    if (frame.type === 'welcome') {
      this.connected = true;
      this.attempt = 0;
      this.generation++;
      this.#startPing();
      this.#status('connected');
      this.hooks.onWelcome(frame);
    } else if (frame.type !== 'pong') {
      this.hooks.onFrame(frame);
    }
  }

  #onClose(ws, code, reason) {
    if (ws !== this.ws) return; // an old socket we already gave up on
    this.ws = null;
    const wasConnected = this.connected;
    this.connected = false;
    this.#stopPing();
    if (wasConnected) this.hooks.onDown();
    if (this.stopped) return;
    if (code === CLOSE_POLICY) {
      this.stopped = true;
      this.#status('offline');
      // The server says why: its session was signed out, too many sockets are open, or the token ran out.
      this.hooks.onAuthLost(
        reason === 'signed out' ? 'signed_out'
          : reason === 'account suspended' ? 'suspended'
            : reason.startsWith('too many connections') ? 'too_many' : 'expired',
      );
      return;
    }
    this.#scheduleRetry();
  }

  #scheduleRetry() {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.#status('reconnecting');
    const delay = backoffDelay(this.attempt++);
    this.retryTimer = setTimeout(() => this.#reconnect(), delay);
  }

  #retryNow() {
    if (this.stopped || this.ws) return;
    clearTimeout(this.retryTimer);
    this.#reconnect();
  }

  async #reconnect() {
    if (this.stopped) return;
    // The old token may have expired: the cookie's session hands out a fresh one.
    const result = await this.hooks.getToken();
    if (this.stopped) return;
    if (result.status === 'unauthorized') {
      this.stopped = true;
      this.#status('offline');
      this.hooks.onAuthLost('signed_out');
      return;
    }
    if (result.status === 'ok') this.token = result.token;
    else if (!this.token) {
      this.#scheduleRetry();
      return;
    }
    this.#open();
  }

  #startPing() {
    this.#stopPing();
    this.pingSentAt = 0;
    this.pingTimer = setInterval(() => {
      const now = Date.now();
      if (this.pingSentAt && now - this.pingSentAt > ANSWER_LIMIT_MS) {
        this.#drop();
        return;
      }
      if (!this.pingSentAt && now - this.lastFrameAt > SILENCE_BEFORE_PING_MS && this.send({ type: 'ping' })) this.pingSentAt = now;
    }, CHECK_EVERY_MS);
  }

  #stopPing() {
    clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  /** Gives up on a silent socket at once instead of waiting for TCP to notice. */
  #drop() {
    const ws = this.ws;
    if (!ws) return;
    this.#onClose(ws, 1006);
    try {
      ws.close(4000, 'no answer to ping');
    } catch {
      /* ignore */
    }
  }

  #status(state) {
    this.hooks.onStatus(state);
  }
}
