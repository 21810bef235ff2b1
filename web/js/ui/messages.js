// The message list: keyed rendering (one <li> per message, reused), scroll handling,
// "Load older", the jump-to-latest button and "seen by" markers; and the window of older messages that a search
// result opens, paged both ways, with the way back to the newest.

import { byTestId, setText, setData, timeOf, fullDateOf, displayName } from './dom.js';
import { sameUser } from '../validate.js';
import { createMessageItems } from './message-item.js';

const GROUP_GAP_MS = 5 * 60_000;
const BOTTOM_SLACK_PX = 48;
// Scrolled this close to the top, the next page of older messages is asked for.
const LOAD_OLDER_PX = 300;
const STATUS_LABEL = { pending: 'Sending…', sent: 'Sent', received: 'Received', failed: 'Not sent' };
const STATUS_MARK = { sent: '✓', received: '✓✓', failed: '!' };

/** @param {object} actions loadOlder(), loadNewer(), jumpToPresent(), retry(id), canChange(), edit(msg), remove(seq), toggleReaction(seq, emoji), reply(msg) */
export function createMessageView(actions) {
  const scroller = document.querySelector('.scroller');
  const list = byTestId('message-list');
  const older = byTestId('load-older');
  const newer = byTestId('load-newer');
  const empty = scroller.querySelector('.empty-state');
  const jump = document.querySelector('.jump');
  const nodes = new WeakMap(); // message object -> li
  const search = byTestId('search');
  const lightbox = byTestId('lightbox');
  const lightboxImage = byTestId('lightbox-image', lightbox);
  byTestId('lightbox-close', lightbox).addEventListener('click', () => lightbox.close());
  lightbox.addEventListener('click', (ev) => {
    if (ev.target === lightbox) lightbox.close();
  });
  const searchCount = byTestId('search-count');
  let shownRoom = null;
  let lastShown = null;
  let wasWindow = false; // the last render showed a window of older messages
  let query = '';
  const { build, syncChanges } = createMessageItems(actions, { roomShown: () => shownRoom, goTo, openLightbox });

  // Search within what is loaded: messages that do not contain the words are hidden, until the box is cleared.
  search.addEventListener('input', () => applyQuery(search.value));
  search.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && search.value) {
      search.value = '';
      applyQuery('');
    }
  });

  function applyQuery(value) {
    query = value.trim().toLocaleLowerCase();
    filter();
  }

  function filter() {
    let matches = 0;
    for (const li of list.children) {
      const found = !query || li.querySelector('.text').textContent.toLocaleLowerCase().includes(query);
      li.classList.toggle('filtered-out', !found);
      if (found) matches++;
    }
    searchCount.hidden = !query;
    setText(searchCount, matches === 1 ? '1 match' : `${matches} matches`);
  }

  older.addEventListener('click', () => actions.loadOlder());
  newer.addEventListener('click', () => actions.loadNewer());
  jump.addEventListener('click', () => {
    if (shownRoom?.window) actions.jumpToPresent();
    else scrollToBottom(true);
  });
  scroller.addEventListener('scroll', () => {
    if (isAtBottom() && !shownRoom?.window) jump.hidden = true;
    // Near the top, older messages load by themselves; the render keeps what is on screen where it was. In a window
    // of older messages, newer ones load so near the bottom.
    if (scroller.scrollTop < LOAD_OLDER_PX && !older.hidden && !older.disabled) actions.loadOlder();
    if (isNearBottom() && !newer.hidden && !newer.disabled) actions.loadNewer();
  });

  function isNearBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < LOAD_OLDER_PX;
  }

  function isAtBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= BOTTOM_SLACK_PX;
  }

  function scrollToBottom(smooth = false) {
    scroller.scrollTo({ top: scroller.scrollHeight, behavior: smooth ? 'smooth' : 'auto' });
    jump.hidden = true;
  }

  function openLightbox(msg) {
    if (!msg.attachment) return;
    lightboxImage.src = msg.attachment.url;
    lightboxImage.alt = `Photo from ${msg.from}`;
    lightbox.showModal();
  }

  function goTo(seq, smooth = true) {
    const target = shownRoom?.find(seq);
    const li = target && nodes.get(target);
    if (!li) return;
    li.scrollIntoView({ block: 'center', behavior: smooth ? 'smooth' : 'auto' });
    li.classList.remove('flash');
    void li.offsetWidth; // restart the animation
    li.classList.add('flash');
  }

  function sync(li, msg, prev, seenBy, firstNew, me) {
    li.querySelector('.new-line').hidden = msg !== firstNew;
    setData(li, 'seq', msg.seq);
    if (msg.own) {
      setData(li, 'id', msg.id || null);
      // Sent, then received once another user's device has it (the room's receipts say up to which seq).
      const shown = msg.status === 'sent' && msg.seq != null && msg.seq <= shownRoom.receivedUpTo ? 'received' : msg.status;
      setData(li, 'status', shown);
      const status = li.querySelector('.status');
      setText(status, STATUS_MARK[shown] || '');
      const label = shown === 'received' ? receivedLabel(shownRoom.receivedBy) : STATUS_LABEL[shown] || '';
      status.setAttribute('aria-label', label);
      status.title = label;
      li.querySelector('.retry').hidden = msg.status !== 'failed';
    }
    const from = li.querySelector('.from');
    const name = displayName(msg.from);
    setText(from, name);
    if (name !== msg.from) from.title = `@${msg.from}`;
    const handle = li.querySelector('.from-user');
    setText(handle, `@${msg.from}`);
    handle.hidden = name === msg.from;
    const time = li.querySelector('.time');
    setText(time, timeOf(msg.ts));
    if (msg.ts) {
      time.dateTime = msg.ts;
      time.title = fullDateOf(msg.ts);
    }

    const dayLabel = dayOf(msg.ts);
    const newDay = Boolean(dayLabel) && (!prev || dayOf(prev.ts) !== dayLabel);
    const day = li.querySelector('.day');
    day.hidden = !newDay;
    if (newDay) setText(day, dayLabel);
    li.classList.toggle('cont', Boolean(prev) && !newDay && continues(prev, msg));

    syncChanges(li, msg, me);

    const seen = li.querySelector('.seen');
    seen.hidden = !seenBy;
    if (seenBy) setText(seen, `Seen by ${seenBy.join(', ')}`);
  }

  return {
    isAtBottom,
    scrollToBottom,

    /**
     * @param {Room|null} room
     * @param {string} me
     * @param {{prepended?:boolean, forceBottom?:boolean}} hint
     */
    render(room, me, hint = {}) {
      const switched = room !== shownRoom;
      const atBottom = isAtBottom();
      const fromBottom = scroller.scrollHeight - scroller.scrollTop;
      if (switched) {
        list.replaceChildren();
        shownRoom = room;
        lastShown = null;
        jump.hidden = true;
        search.value = '';
        query = '';
      }
      search.disabled = !room;
      if (!room) {
        older.hidden = true;
        newer.hidden = true;
        empty.hidden = true;
        return;
      }

      const msgs = room.shown();
      const win = room.window;
      const seen = seenMap(room, me);
      const firstNew = room.lineAfter == null ? null : msgs.find((m) => m.seq > room.lineAfter && !m.own) ?? null;
      let cursor = list.firstChild;
      let prev = null;
      for (const msg of msgs) {
        let li = nodes.get(msg);
        if (!li) {
          li = build(msg, actions, me);
          nodes.set(msg, li);
        }
        sync(li, msg, prev, seen.get(msg), firstNew, me);
        if (li === cursor) cursor = cursor.nextSibling;
        else list.insertBefore(li, cursor);
        prev = msg;
      }
      while (cursor) {
        const next = cursor.nextSibling;
        cursor.remove();
        cursor = next;
      }

      const olderBusy = win ? win.asked?.kind === 'older' : room.historyBusy;
      older.hidden = win ? !win.older || !msgs.length : !room.canLoadOlder();
      older.disabled = olderBusy;
      setText(older, olderBusy ? 'Loading…' : 'Load older messages');
      const newerBusy = Boolean(win?.asked);
      newer.hidden = !win || !msgs.length;
      newer.disabled = newerBusy;
      setText(newer, newerBusy ? 'Loading…' : 'Load newer messages');
      empty.hidden = msgs.length > 0 || !room.loaded;
      filter();
      list.setAttribute('aria-busy', String(!room.loaded));

      const last = msgs[msgs.length - 1] || null;
      const grew = last !== lastShown;
      lastShown = last;
      const windowShown = Boolean(win);
      const windowClosed = !windowShown && wasWindow;
      wasWindow = windowShown;
      if (windowShown) {
        // Reading older messages: the way back to the newest stays in view.
        setText(jump, 'Newest messages ↓');
        jump.hidden = false;
        if (hint.prepended) scroller.scrollTop = scroller.scrollHeight - fromBottom;
      } else {
        setText(jump, 'New messages ↓');
        if (switched || hint.forceBottom) scrollToBottom();
        else if (hint.prepended) scroller.scrollTop = scroller.scrollHeight - fromBottom;
        else if (atBottom && !windowClosed) scrollToBottom();
        else if (windowClosed) jump.hidden = isAtBottom();
        else if (grew && last && !last.own) jump.hidden = false;
      }
      if (hint.reveal != null) goTo(hint.reveal, false);
    },
  };
}

function continues(prev, msg) {
  if (!sameUser(prev.from, msg.from) || prev.own !== msg.own) return false;
  const a = Date.parse(prev.ts);
  const b = Date.parse(msg.ts);
  return Number.isNaN(a) || Number.isNaN(b) || b - a < GROUP_GAP_MS;
}

/** For each message, the other users whose latest read seq lands on it. */
function seenMap(room, me) {
  const result = new Map();
  if (!room.reads.size || !room.list.length) return result;
  for (const [user, seq] of room.reads) {
    if (sameUser(user, me)) continue;
    const msg = lastReadBy(room.list, seq, user);
    if (!msg) continue;
    if (!result.has(msg)) result.set(msg, []);
    result.get(msg).push(user);
  }
  return result;
}

/** The last message at or before seq that the reader did not write ("seen" by its author says nothing). */
function lastReadBy(list, seq, user) {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  let i = lo - 1;
  while (i >= 0 && sameUser(list[i].from, user)) i--;
  return i >= 0 ? list[i] : null;
}

function dayOf(iso) {
  const d = iso ? new Date(iso) : null;
  if (!d || Number.isNaN(d.getTime())) return '';
  const today = new Date();
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  if (d.toDateString() === today.toDateString()) return 'Today';
  if (d.toDateString() === yesterday.toDateString()) return 'Yesterday';
  return d.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
}

function receivedLabel(by) {
  if (!by || !by.users.length) return STATUS_LABEL.received;
  const others = by.count - by.users.length;
  return `Received by ${by.users.join(', ')}${others > 0 ? ` and ${others} ${others === 1 ? 'other' : 'others'}` : ''}`;
}
