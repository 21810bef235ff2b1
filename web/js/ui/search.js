// Search across rooms (protocol 2): a dialog that asks the server for every message the user may read matching a
// query, shows the hits newest first with the matching words marked, a page at a time, and opens a hit in its room
// with the messages around it.

import { el, byTestId, setText, fullDateOf } from './dom.js';

// Text before the first match beyond this many characters is cut, so that the match shows in the hit's lines.
const LEAD_CHARS = 60;

/** @param {object} actions search(query, after) -> bool, open(room, seq) -> error text or '' */
export function createSearch(actions) {
  const dialog = byTestId('message-search');
  const form = dialog.querySelector('form');
  const input = byTestId('message-search-input', dialog);
  const list = byTestId('message-search-results', dialog);
  const more = byTestId('message-search-more', dialog);
  const status = dialog.querySelector('.directory-status');
  let query = '';
  let next = null;
  let appending = false; // the page asked for follows the ones shown ("More results")
  let waiting = false;

  function ask(after = null) {
    if (waiting) return;
    appending = Boolean(after);
    if (!actions.search(query, after)) {
      setText(status, 'Search needs a connection to this server — try again in a moment');
      return;
    }
    waiting = true;
    more.disabled = true;
    if (!after) setText(status, 'Searching…');
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    query = input.value.trim();
    if (!query) {
      setText(status, 'Type a word to look for');
      return;
    }
    ask();
  });
  more.addEventListener('click', () => next && ask(next));
  byTestId('message-search-close', dialog).addEventListener('click', () => dialog.close());
  document.querySelector('[data-testid="message-search-open"]').addEventListener('click', () => {
    dialog.showModal();
    input.focus();
    input.select();
  });

  function hit(found) {
    const text = typeof found.text === 'string' ? found.text : '';
    return el(
      'li',
      { class: 'directory-entry search-hit', testid: 'search-hit', dataset: { room: found.room, seq: found.seq } },
      el(
        'button',
        {
          type: 'button',
          class: 'search-open',
          'aria-label': `Open the message from ${found.from} in #${found.room}`,
          on: {
            click: () => {
              const problem = actions.open(found.room, found.seq);
              if (problem) setText(status, problem);
              else dialog.close();
            },
          },
        },
        el(
          'span',
          { class: 'directory-meta' },
          el('b', { class: 'search-room' }, `#${found.room}`),
          ` · ${found.from} · `,
          el('time', { dateTime: found.ts ?? '' }, fullDateOf(found.ts)),
        ),
        el('span', { class: 'search-text' }, ...marked(text, Array.isArray(found.marks) ? found.marks : [])),
      ),
    );
  }

  return {
    /** A page of hits for the search asked last. */
    show(results, nextAfter) {
      waiting = false;
      more.disabled = false;
      if (!dialog.open) return;
      const valid = results.filter(
        (r) => r && typeof r.room === 'string' && Number.isInteger(r.seq) && r.seq > 0 && typeof r.from === 'string',
      );
      if (!appending) list.replaceChildren();
      appending = false;
      for (const found of valid) list.append(hit(found));
      next = nextAfter;
      more.hidden = !next;
      const count = list.children.length;
      setText(status, count ? `${count}${next ? '+' : ''} ${count === 1 ? 'message' : 'messages'} found` : `Nothing found for “${query}”`);
    },

    /** The server refused the search (the query's rules, or too many at once). */
    failed(text) {
      waiting = false;
      more.disabled = false;
      setText(status, text);
    },
  };
}

/**
 * The text as nodes, with the server's marks (UTF-16 [start, end] pairs, in order) as <mark>; the start is cut when
 * the first match comes late. Marks that do not fit the text are left out.
 */
function marked(text, marks) {
  const ranges = marks.filter(
    (m) => Array.isArray(m) && Number.isInteger(m[0]) && Number.isInteger(m[1]) && m[0] >= 0 && m[0] < m[1] && m[1] <= text.length,
  );
  const cut = ranges.length && ranges[0][0] > LEAD_CHARS ? text.lastIndexOf(' ', ranges[0][0] - LEAD_CHARS / 2) + 1 : 0;
  const parts = cut > 0 ? ['…'] : [];
  let at = cut;
  for (const [start, end] of ranges) {
    if (start < at) continue;
    if (start > at) parts.push(text.slice(at, start));
    parts.push(el('mark', {}, text.slice(start, end)));
    at = end;
  }
  parts.push(text.slice(at));
  return parts;
}
