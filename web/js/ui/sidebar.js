// Left column: who is signed in, connection state, sign-out, joining a room and the room list.

import { el, byTestId, setText, setData, avatar, setRoomMark, personName, displayName } from './dom.js';
import { normalizeRoom, roomProblem } from '../validate.js';

const STATUS_TEXT = {
  connecting: 'connecting…',
  connected: 'connected',
  reconnecting: 'reconnecting…',
  offline: 'offline',
};

const JOIN_HINT = 'Lowercase letters, digits, _ and -';

/**
 * @param {object} actions join(name, { createPrivate }) -> error text or '', openDirect(user) -> error text or '',
 *   select(name), leave(name), signOut(), signOutEverywhere()
 */
export function createSidebar(actions) {
  const root = document.querySelector('.sidebar');
  const meName = byTestId('current-user', root);
  const meAvatar = root.querySelector('.me .avatar-slot');
  const status = byTestId('connection-status', root);
  const form = root.querySelector('form.join');
  const input = byTestId('join-room-input', root);
  const hint = document.getElementById('join-hint');
  const list = byTestId('room-list', root);
  const makePrivate = byTestId('private-room', root);
  const directForm = root.querySelector('form.direct');
  const directInput = byTestId('dm-input', root);
  const items = new Map(); // room name -> li

  function showHint(text, isError) {
    setText(hint, text || JOIN_HINT);
    hint.classList.toggle('error', Boolean(isError));
    input.setAttribute('aria-invalid', String(Boolean(isError)));
  }

  input.addEventListener('input', () => {
    const lower = input.value.toLowerCase();
    if (lower !== input.value) {
      const pos = input.selectionStart;
      input.value = lower;
      input.setSelectionRange(pos, pos);
    }
    const problem = roomProblem(normalizeRoom(input.value));
    showHint(problem, Boolean(problem));
  });

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const name = normalizeRoom(input.value);
    if (!name) {
      showHint('Type a room name first', true);
      input.focus();
      return;
    }
    const problem = roomProblem(name) || actions.join(name, { createPrivate: makePrivate.checked });
    if (problem) {
      showHint(problem, true);
      input.focus();
      return;
    }
    input.value = '';
    makePrivate.checked = false;
    showHint('', false);
  });

  directForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const user = directInput.value.trim();
    if (!user) return;
    const problem = actions.openDirect(user);
    if (problem) showHint(problem, true);
    else directInput.value = '';
  });

  byTestId('sign-out', root).addEventListener('click', () => actions.signOut());
  byTestId('sign-out-everywhere', root).addEventListener('click', () => actions.signOutEverywhere());

  function roomItem(name, label, direct) {
    const badge = el('span', { class: 'badge', testid: 'unread', hidden: true });
    const mentionBadge = el('span', { class: 'badge mention-badge', testid: 'mentions', hidden: true });
    const open = el(
      'button',
      { type: 'button', class: 'room-open', on: { click: () => actions.select(name) } },
      el('span', { class: 'hash', 'aria-hidden': 'true' }, '#'),
      // A direct room is named by the other user, as their profile names them.
      direct ? personName(label, { class: 'room-name' }) : el('span', { class: 'room-name' }, label),
      el('span', { class: 'invited-tag', testid: 'invited', hidden: true }, 'invited'),
      mentionBadge,
      badge,
    );
    const leave = el(
      'button',
      {
        type: 'button',
        class: 'room-leave',
        testid: 'leave-room',
        title: `Leave #${name}`,
        'aria-label': `Leave room ${name}`,
        on: { click: () => actions.leave(name) },
      },
      '×',
    );
    return el('li', { class: 'room', dataset: { room: name } }, open, leave);
  }

  return {
    setUser(name) {
      setText(meName, name);
      meAvatar.replaceChildren(avatar(name, 'large'));
    },

    setStatus(state) {
      setText(status, STATUS_TEXT[state] || state);
      setData(status, 'state', state);
    },

    /** rooms: [{ name, unread, invitedBy }], current: name or null */
    renderRooms(rooms, current) {
      const wanted = new Set(rooms.map((r) => r.name));
      for (const [name, li] of items) {
        if (!wanted.has(name)) {
          li.remove();
          items.delete(name);
        }
      }
      let previous = null;
      for (const room of rooms) {
        let li = items.get(room.name);
        const label = room.direct ? room.peer : room.name;
        if (!li) {
          li = roomItem(room.name, label, room.direct);
          items.set(room.name, li);
        }
        // A direct room is shown by the other user's name, a private one with a lock.
        setRoomMark(li.querySelector('.hash'), room);
        li.classList.toggle('direct', room.direct);
        const expected = previous ? previous.nextSibling : list.firstChild;
        if (li !== expected) list.insertBefore(li, expected);
        previous = li;
        const active = room.name === current;
        li.classList.toggle('active', active);
        const open = li.querySelector('.room-open');
        if (active) open.setAttribute('aria-current', 'true');
        else open.removeAttribute('aria-current');
        // Unread messages (quiet unless the room notifies of all; none shown when muted), and unread mentions apart.
        const badge = li.querySelector('[data-testid="unread"]');
        const count = active || room.notify === 'muted' ? 0 : room.unread;
        badge.hidden = count === 0;
        badge.classList.toggle('quiet', room.notify === 'mentions');
        setText(badge, count > 99 ? '99+' : String(count));
        const mentionBadge = li.querySelector('[data-testid="mentions"]');
        const mentioned = active || room.direct ? 0 : room.mentions;
        mentionBadge.hidden = mentioned === 0;
        setText(mentionBadge, `@${mentioned > 99 ? '99+' : mentioned}`);
        li.classList.toggle('muted', room.notify === 'muted');
        li.querySelector('.invited-tag').hidden = !room.invitedBy;
        const kind = room.direct ? `conversation with ${displayName(label)}` : room.isPrivate ? `private room ${label}` : label;
        const what = room.invitedBy ? `${kind}, invitation from ${room.invitedBy}` : kind;
        const counts = [count ? `${count} unread` : '', mentioned ? `${mentioned} ${mentioned === 1 ? 'mention' : 'mentions'}` : '', room.notify === 'muted' ? 'muted' : '']
          .filter(Boolean);
        open.setAttribute('aria-label', counts.length ? `${what}, ${counts.join(', ')}` : what);
      }
      list.classList.toggle('empty', rooms.length === 0);
    },

    focusJoin() {
      input.focus();
    },

    reset() {
      input.value = '';
      showHint('', false);
      for (const li of items.values()) li.remove();
      items.clear();
    },
  };
}
