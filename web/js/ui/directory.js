// The room directory: a dialog that lists public rooms by name prefix, with member counts and last activity,
// a page at a time, and joins one with a click.

import { el, byTestId, setText } from './dom.js';
import { normalizeRoom, ROOM_RE } from '../validate.js';

const SEARCH_DELAY_MS = 250;

/** @param {object} actions browse(prefix, after) -> bool, join(name) -> error text or '' */
export function createDirectory(actions) {
  const dialog = byTestId('directory');
  const search = byTestId('directory-search', dialog);
  const list = byTestId('directory-list', dialog);
  const more = byTestId('directory-more', dialog);
  const status = dialog.querySelector('.directory-status');
  let prefix = '';
  let next = null;
  let timer = null;
  let appending = false; // the page asked for follows the ones shown ("More")

  function ask(after = null) {
    clearTimeout(timer);
    appending = Boolean(after);
    if (!actions.browse(prefix, after)) setText(status, 'Not connected — try again in a moment');
    else if (!after) setText(status, 'Looking…');
  }

  search.addEventListener('input', () => {
    const value = normalizeRoom(search.value);
    if (value && !ROOM_RE.test(value)) {
      setText(status, 'Room names use a–z, 0–9, _ and -');
      return;
    }
    prefix = value;
    clearTimeout(timer);
    timer = setTimeout(() => ask(), SEARCH_DELAY_MS);
  });
  more.addEventListener('click', () => next && ask(next));
  byTestId('directory-close', dialog).addEventListener('click', () => dialog.close());
  document.querySelector('[data-testid="directory-open"]').addEventListener('click', () => {
    search.value = '';
    prefix = '';
    list.replaceChildren();
    more.hidden = true;
    dialog.showModal();
    search.focus();
    ask();
  });

  function entry(room) {
    const members = Number.isInteger(room.members) ? room.members : 0;
    const when = room.lastActivity ? new Date(room.lastActivity) : null;
    return el(
      'li',
      { class: 'directory-entry', testid: 'directory-entry', dataset: { room: room.room } },
      el(
        'div',
        { class: 'directory-text' },
        el('span', { class: 'directory-name' }, `#${room.room}`),
        el(
          'span',
          { class: 'directory-meta' },
          `${members} ${members === 1 ? 'member' : 'members'}`,
          when && !Number.isNaN(when.getTime()) ? ` · active ${when.toLocaleString()}` : '',
        ),
      ),
      el(
        'button',
        {
          type: 'button',
          class: 'btn small primary',
          testid: 'directory-join',
          'aria-label': `Join room ${room.room}`,
          on: {
            click: () => {
              if (!actions.join(room.room)) dialog.close();
            },
          },
        },
        'Join',
      ),
    );
  }

  return {
    /** A page of the directory arrived; a page for another prefix than the one typed now is dropped. */
    show(forPrefix, rooms, nextAfter) {
      if (!dialog.open || forPrefix !== prefix) return;
      const valid = rooms.filter((r) => r && typeof r.room === 'string' && ROOM_RE.test(r.room));
      if (!appending) list.replaceChildren();
      appending = false;
      for (const room of valid) list.append(entry(room));
      next = nextAfter;
      more.hidden = !next;
      setText(status, list.children.length ? '' : prefix ? `No public rooms start with “${prefix}”` : 'No public rooms yet — join one by name');
    },
  };
}
