// Reports (protocol 2), for a room's moderators and owners and the server's administrators: a dialog that lists
// the reports of the open room (or, for an administrator, of every room), the open ones unless asked for all, a page
// at a time; a report's message opens in its room, and its reports are marked handled with one click.

import { el, byTestId, setText, fullDateOf } from './dom.js';

/**
 * @param {object} actions list(room or null, open, before) -> bool, resolve(room, seq) -> bool, open(room, seq),
 *   currentRoom() -> name or null, isAdmin() -> bool
 */
export function createReports(actions) {
  const dialog = byTestId('reports');
  const title = dialog.querySelector('h2');
  const list = byTestId('reports-list', dialog);
  const more = byTestId('reports-more', dialog);
  const status = dialog.querySelector('.directory-status');
  const showHandled = byTestId('reports-handled', dialog);
  const everyRoom = byTestId('reports-every-room', dialog);
  let room = null; // the room listed, or null for every room
  let oldest = null; // the `ts` of the oldest report shown, for the next page
  let appending = false;

  function ask(before = null) {
    appending = Boolean(before);
    if (!actions.list(room, !showHandled.checked, before)) setText(status, 'Not connected — try again in a moment');
    else if (!before) setText(status, 'Loading…');
  }

  function reload() {
    room = everyRoom.checked ? null : actions.currentRoom();
    setText(title, room ? `Reports in #${room}` : 'Reports in every room');
    list.replaceChildren();
    more.hidden = true;
    ask();
  }

  showHandled.addEventListener('change', reload);
  everyRoom.addEventListener('change', reload);
  more.addEventListener('click', () => oldest && ask(oldest));
  byTestId('reports-close', dialog).addEventListener('click', () => dialog.close());
  document.querySelector('[data-testid="reports-open"]').addEventListener('click', () => {
    everyRoom.checked = false;
    everyRoom.closest('label').hidden = !actions.isAdmin();
    showHandled.checked = false;
    dialog.showModal();
    reload();
  });

  function entry(report) {
    const handled = typeof report.handledBy === 'string';
    const when = fullDateOf(report.ts);
    const by = typeof report.by === 'string' ? ` · reported by ${report.by}` : '';
    return el(
      'li',
      { class: `directory-entry report-entry${handled ? ' handled' : ''}`, testid: 'report-entry', dataset: { room: report.room, seq: report.seq } },
      el(
        'div',
        { class: 'directory-text' },
        el('span', { class: 'directory-meta' }, el('b', {}, `#${report.room}`), ` · message from ${report.from}${by} · ${when}`),
        el('span', { class: 'report-reason' }, typeof report.reason === 'string' && report.reason ? report.reason : 'No reason given'),
        handled ? el('span', { class: 'directory-meta', testid: 'report-handled' }, `Handled by ${report.handledBy}`) : null,
      ),
      el(
        'div',
        { class: 'report-actions' },
        el('button', { type: 'button', class: 'btn small', testid: 'report-show', 'aria-label': `Show the message from ${report.from}`,
          on: { click: () => { dialog.close(); actions.open(report.room, report.seq); } } }, 'Show'),
        handled ? null : el('button', { type: 'button', class: 'btn small primary', testid: 'report-resolve',
          'aria-label': `Mark the reports of the message from ${report.from} handled`,
          on: { click: (ev) => { if (actions.resolve(report.room, report.seq)) ev.currentTarget.disabled = true; } } }, 'Mark handled'),
      ),
    );
  }

  return {
    /** A page of reports arrived: shown when it is for what the dialog lists. */
    show(forRoom, entries) {
      if (!dialog.open || (forRoom ?? null) !== room) return;
      const valid = entries.filter((r) => r && typeof r.room === 'string' && Number.isInteger(r.seq) && typeof r.from === 'string');
      if (!appending) list.replaceChildren();
      appending = false;
      for (const report of valid) list.append(entry(report));
      oldest = valid.length ? valid[valid.length - 1].ts : oldest;
      more.hidden = valid.length < 50;
      setText(status, list.children.length ? '' : showHandled.checked ? 'No reports' : 'No open reports');
    },

    /** The reports of a message were marked handled (here or by another moderator): the list is read again. */
    changed(forRoom) {
      if (dialog.open && (room === null || room === forRoom)) reload();
    },
  };
}
