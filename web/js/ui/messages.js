// The message list: keyed rendering (one <li> per message, reused), scroll handling,
// "Load older", the jump-to-latest button and "seen by" markers.

import { el, byTestId, setText, setData, timeOf, fullDateOf, avatar } from './dom.js';
import { sameUser } from '../validate.js';
import { renderRichText, mentions } from './richtext.js';
import { snippet } from './composer.js';

const GROUP_GAP_MS = 5 * 60_000;
const BOTTOM_SLACK_PX = 48;
// Scrolled this close to the top, the next page of older messages is asked for.
const LOAD_OLDER_PX = 300;
// Past either, a message shows its first lines and a "Show more" button.
const LONG_CHARS = 700;
const LONG_LINES = 10;
const STATUS_LABEL = { pending: 'Sending…', sent: 'Sent', received: 'Received', failed: 'Not sent' };
const STATUS_MARK = { sent: '✓', received: '✓✓', failed: '!' };
// The reactions offered at one click; any other emoji goes through the composer's picker.
const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '😢'];
const CONFIRM_MS = 4000;
const PHOTO_BOX = 240; // the longest side of a photo in the conversation, in CSS pixels

/** @param {object} actions loadOlder(), retry(id), canChange(), edit(msg), remove(seq), toggleReaction(seq, emoji), reply(msg) */
export function createMessageView(actions) {
  const scroller = document.querySelector('.scroller');
  const list = byTestId('message-list');
  const older = byTestId('load-older');
  const empty = scroller.querySelector('.empty-state');
  const jump = document.querySelector('.jump');
  const nodes = new WeakMap(); // message object -> li
  const rendered = new WeakMap(); // li -> the text (or deletion) it shows, so an edit re-renders it
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
  let query = '';

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
  jump.addEventListener('click', () => scrollToBottom(true));
  scroller.addEventListener('scroll', () => {
    if (isAtBottom()) jump.hidden = true;
    // Near the top, older messages load by themselves; the render keeps what is on screen where it was.
    if (scroller.scrollTop < LOAD_OLDER_PX && !older.hidden && !older.disabled) actions.loadOlder();
  });

  function isAtBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= BOTTOM_SLACK_PX;
  }

  function scrollToBottom(smooth = false) {
    scroller.scrollTo({ top: scroller.scrollHeight, behavior: smooth ? 'smooth' : 'auto' });
    jump.hidden = true;
  }

  function build(msg, actionsForMsg, me) {
    const from = el('span', { class: 'from', testid: 'message-from' });
    const text = renderRichText(el('div', { class: 'text', testid: 'message-text' }), msg.text || '', me);
    const time = el('time', { class: 'time' });
    const foot = el('div', { class: 'foot' }, time);
    if (msg.own) {
      foot.append(el('span', { class: 'status', role: 'img' }));
      const retry = el('button', { type: 'button', class: 'retry', testid: 'retry', hidden: true }, 'Retry');
      retry.addEventListener('click', () => actionsForMsg.retry(msg.id));
      foot.append(retry);
    }
    const bubble = el('div', { class: 'bubble' }, el('div', { class: 'meta' }, from));
    // A reply shows the message it answers, as that message is now; a click goes to it.
    if (msg.replyTo) {
      bubble.append(el('button', { type: 'button', class: 'quote', testid: 'reply-quote', on: { click: () => goTo(msg.replyTo) } }));
    }
    if (msg.attachment) bubble.append(photoOf(msg));
    bubble.append(text);
    if (isLong(msg.text || '')) bubble.append(moreButton());
    foot.prepend(el('span', { class: 'edited', testid: 'edited-label', hidden: true }, '(edited)'));
    bubble.append(foot, el('div', { class: 'reactions', testid: 'reactions', role: 'group', 'aria-label': 'Reactions' }), messageActions(msg, actionsForMsg));
    const day = el('div', { class: 'day', role: 'separator', hidden: true });
    const line = el('div', { class: 'new-line', role: 'separator', testid: 'new-line', hidden: true }, 'New messages');
    const seen = el('div', { class: 'seen', testid: 'seen-by', hidden: true });
    const li = el('li', { class: `${msg.own ? 'msg own' : 'msg'}${isLong(msg.text || '') ? ' long' : ''}` }, day, line);
    // A message naming the reader stands out (never the reader's own).
    if (!msg.own && mentions(msg.text || '', me)) li.classList.add('mentions-me');
    if (!msg.own) li.append(avatar(msg.from));
    li.append(bubble, seen);
    rendered.set(li, msg.text || '');
    return li;
  }

  // Reply-less actions of a message, shown on hover or keyboard focus: react, and for one's own, edit and delete.
  function messageActions(msg, acts) {
    const bar = el('div', { class: 'actions', testid: 'message-actions', role: 'toolbar', 'aria-label': 'Message actions' });
    const quick = el('div', { class: 'quick-reactions', testid: 'quick-reactions', role: 'group', 'aria-label': 'React with', hidden: true });
    for (const emoji of QUICK_REACTIONS) {
      quick.append(el('button', { type: 'button', class: 'quick', 'aria-label': `React with ${emoji}`,
        on: { click: () => { quick.hidden = true; acts.toggleReaction(msg.seq, emoji); } } }, emoji));
    }
    const react = el('button', { type: 'button', class: 'act', testid: 'react-button', 'aria-label': 'Add a reaction', 'aria-expanded': 'false',
      on: { click: () => { quick.hidden = !quick.hidden; react.setAttribute('aria-expanded', String(!quick.hidden)); } } }, '☺+');
    bar.append(react);
    bar.append(el('button', { type: 'button', class: 'act', testid: 'reply-button', on: { click: () => acts.reply(msg) } }, 'Reply'));
    if (msg.own) {
      bar.append(el('button', { type: 'button', class: 'act', testid: 'edit-button', on: { click: () => acts.edit(msg) } }, 'Edit'));
      // Deleting asks for a second click within a few seconds.
      const del = el('button', { type: 'button', class: 'act danger', testid: 'delete-button' }, 'Delete');
      let timer = null;
      del.addEventListener('click', () => {
        if (del.dataset.confirm) {
          clearTimeout(timer);
          acts.remove(msg.seq);
          return;
        }
        del.dataset.confirm = '1';
        del.textContent = 'Delete?';
        timer = setTimeout(() => {
          delete del.dataset.confirm;
          del.textContent = 'Delete';
        }, CONFIRM_MS);
      });
      bar.append(del);
    }
    bar.append(quick);
    return bar;
  }

  // A message's photo: its thumbnail at the size the server gave, opening full size in the lightbox.
  function photoOf(msg) {
    const { width, height } = msg.attachment;
    const scale = width && height ? Math.min(1, PHOTO_BOX / Math.max(width, height)) : 1;
    const img = el('img', {
      testid: 'photo-thumbnail',
      alt: `Photo from ${msg.from}`,
      loading: 'lazy',
      decoding: 'async',
      width: width ? Math.round(width * scale) : null,
      height: height ? Math.round(height * scale) : null,
    });
    img.src = msg.localUrl || msg.attachment.thumbnailUrl;
    return el('button', { type: 'button', class: 'photo', testid: 'photo', 'aria-label': `Open the photo from ${msg.from}`,
      on: { click: () => openLightbox(msg) } }, img);
  }

  function openLightbox(msg) {
    if (!msg.attachment) return;
    lightboxImage.src = msg.attachment.url;
    lightboxImage.alt = `Photo from ${msg.from}`;
    lightbox.showModal();
  }

  function goTo(seq) {
    const target = shownRoom?.bySeq.get(seq);
    const li = target && nodes.get(target);
    if (!li) return;
    li.scrollIntoView({ block: 'center', behavior: 'smooth' });
    li.classList.remove('flash');
    void li.offsetWidth; // restart the animation
    li.classList.add('flash');
  }

  function syncQuote(li, msg) {
    const quote = li.querySelector('.quote');
    if (!quote) return;
    const target = shownRoom?.bySeq.get(msg.replyTo);
    const text = !target ? 'an earlier message' : target.deleted ? `${target.from}: (deleted message)` : `${target.from}: ${snippet(target.text)}`;
    setText(quote, `↩ ${text}`);
    quote.disabled = !target;
    quote.setAttribute('aria-label', `In reply to ${text}`);
  }

  function syncPhoto(li, msg) {
    const photo = li.querySelector('.photo');
    if (!photo) return;
    if (msg.deleted || !msg.attachment) {
      photo.remove();
      return;
    }
    // Stored now: the server's thumbnail replaces the picture this page showed while it was sent.
    if (msg.localUrl && msg.seq != null) {
      photo.querySelector('img').src = msg.attachment.thumbnailUrl;
      URL.revokeObjectURL(msg.localUrl);
      msg.localUrl = null;
    }
  }

  function syncChanges(li, msg, me) {
    syncQuote(li, msg);
    syncPhoto(li, msg);
    const shown = msg.deleted ? '\u0000deleted' : msg.text || '';
    if (rendered.get(li) !== shown) {
      rendered.set(li, shown);
      const text = li.querySelector('.text');
      if (msg.deleted) {
        text.replaceChildren('This message was deleted');
        li.classList.remove('long', 'mentions-me');
      } else {
        renderRichText(text, msg.text || '', me);
      }
    }
    li.classList.toggle('deleted', Boolean(msg.deleted));
    const edited = li.querySelector('.edited');
    edited.hidden = !msg.editedAt || msg.deleted;
    if (msg.editedAt) edited.title = `Edited ${fullDateOf(msg.editedAt)}`;
    const canChange = msg.seq != null && !msg.deleted && actions.canChange();
    li.querySelector('.actions').hidden = !canChange;

    const box = li.querySelector('.reactions');
    const reactions = msg.deleted ? [] : msg.reactions || [];
    box.hidden = reactions.length === 0;
    const chips = reactions.map((r) => {
      let chip = [...box.children].find((c) => c.dataset.emoji === r.emoji);
      if (!chip) {
        chip = el('button', { type: 'button', class: 'reaction', testid: 'reaction', dataset: { emoji: r.emoji },
          on: { click: () => actions.toggleReaction(msg.seq, r.emoji) } });
      }
      const mine = msg.mine?.has(r.emoji) ?? false;
      setText(chip, `${r.emoji} ${r.count}`);
      chip.setAttribute('aria-pressed', String(mine));
      const names = r.users.join(', ') + (r.count > r.users.length ? ` and ${r.count - r.users.length} more` : '');
      chip.title = names;
      chip.setAttribute('aria-label', `${r.emoji} ${r.count}: ${names}`);
      return chip;
    });
    if (chips.length !== box.children.length || chips.some((c, i) => box.children[i] !== c)) box.replaceChildren(...chips);
  }

  function isLong(text) {
    return text.length > LONG_CHARS || text.split('\n').length > LONG_LINES;
  }

  function moreButton() {
    const more = el('button', { type: 'button', class: 'more', testid: 'show-more', 'aria-expanded': 'false' }, 'Show more');
    more.addEventListener('click', () => {
      const open = more.closest('.msg').classList.toggle('expanded');
      more.textContent = open ? 'Show less' : 'Show more';
      more.setAttribute('aria-expanded', String(open));
    });
    return more;
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
    setText(li.querySelector('.from'), msg.from);
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
        empty.hidden = true;
        return;
      }

      const msgs = room.ordered();
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

      older.hidden = !room.canLoadOlder();
      older.disabled = room.historyBusy;
      setText(older, room.historyBusy ? 'Loading…' : 'Load older messages');
      empty.hidden = msgs.length > 0 || !room.loaded;
      filter();
      list.setAttribute('aria-busy', String(!room.loaded));

      const last = msgs[msgs.length - 1] || null;
      const grew = last !== lastShown;
      lastShown = last;
      if (switched || hint.forceBottom) scrollToBottom();
      else if (hint.prepended) scroller.scrollTop = scroller.scrollHeight - fromBottom;
      else if (atBottom) scrollToBottom();
      else if (grew && last && !last.own) jump.hidden = false;
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
