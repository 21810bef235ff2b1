// Room header (name, who is present, and a private room's roster) and the "X is typing…" line.

import { el, byTestId, setText, avatar, setRoomMark, personName, displayName } from './dom.js';
import { sameUser } from '../validate.js';

const RANK = { member: 0, moderator: 1, owner: 2 };
const MUTE_MINUTES = 10;

/** @param {object} actions openDirect(user), changeMember(user, invite), moderate(action, user, minutes), setNotify(level), canNotify() */
export function createRoomHeader(actions) {
  const main = document.querySelector('.main');
  const notify = byTestId('room-notify', main);
  const notifyLabel = notify.closest('.room-notify');
  const reportsButton = byTestId('reports-open', main);
  const notifyIcon = notifyLabel.querySelector('.notify-icon');
  const ICONS = { all: '🔔', mentions: '@', muted: '🔕' };
  notify.addEventListener('change', () => actions.setNotify(notify.value));
  const hash = main.querySelector('.room-title .hash');
  const roster = byTestId('roster', main);
  const rosterList = byTestId('roster-list', main);
  const inviteForm = byTestId('invite-form', main);
  const inviteInput = byTestId('invite-input', main);
  let shownRoster = '';

  inviteForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const user = inviteInput.value.trim();
    if (!user) return;
    actions.changeMember(user, true);
    inviteInput.value = '';
  });

  function renderRoster(room, me) {
    roster.hidden = !room || !room.isPrivate || room.direct;
    // Every owner of the room changes its roster (the creator, and whoever the owners made owners); no owner is removed.
    const mayChange = Boolean(room && (room.role === 'owner' || (room.owner && sameUser(room.owner, me))));
    const isOwner = (name) => (room.owner && sameUser(name, room.owner)) || room.staff.get(name.toLowerCase()) === 'owner';
    inviteForm.hidden = !mayChange;
    const key = room && !roster.hidden ? [room.name, mayChange, ...room.roster, ...room.staff].join('\n') : '';
    if (key === shownRoster) return;
    shownRoster = key;
    rosterList.replaceChildren(
      ...(roster.hidden ? [] : room.roster).map((name) => {
        const li = el('li', { class: 'roster-member', dataset: { user: name } }, el('span', {}, name));
        if (mayChange && !isOwner(name)) {
          li.append(el('button', { type: 'button', class: 'roster-remove', testid: 'remove-member', 'aria-label': `Remove ${name}`,
            title: `Remove ${name} from this room`, on: { click: () => actions.changeMember(name, false) } }, '×'));
        }
        return li;
      }),
    );
  }
  const title = byTestId('current-room', main);
  const count = main.querySelector('.member-count');
  const members = byTestId('members', main);
  const head = main.querySelector('.room-head');
  // On a phone who is here is not listed beside the name: the count opens the list, and closes it again.
  count.addEventListener('click', () => {
    const open = !head.classList.contains('members-open');
    head.classList.toggle('members-open', open);
    count.setAttribute('aria-expanded', String(open));
  });
  const typing = byTestId('typing', main);
  let shownMembers = '';

  // A moderator may act on members ranked below them; an administrator on anyone but themselves.
  function mayModerate(room, name, admin) {
    const target = RANK[room.staff.get(name.toLowerCase()) ?? 'member'] ?? 0;
    return admin || target < (RANK[room.role] ?? 0);
  }

  function moderationButtons(name, admin) {
    const button = (action, label, text, act) =>
      el('button', { type: 'button', class: `member-mod ${action}`, testid: `${action}-button`, 'aria-label': `${label} ${name}`,
        title: `${label} ${name}`, on: { click: act } }, text);
    const buttons = el('span', { class: 'member-mods', testid: 'member-moderation' },
      button('mute', `Mute for ${MUTE_MINUTES} minutes:`, 'Mute', () => actions.moderate('mute', name, MUTE_MINUTES)),
      button('kick', 'Kick', 'Kick', () => actions.moderate('kick', name)),
      button('ban', 'Ban', 'Ban', () => actions.moderate('ban', name)));
    // An administrator also suspends the account, for the whole server.
    if (admin) buttons.append(button('suspend', 'Suspend the account of', 'Suspend', () => actions.suspend(name)));
    return buttons;
  }

  // Anyone blocks another user for themselves: their messages fold away, and they cannot start a conversation.
  function blockButton(name) {
    const blocked = actions.isBlocked(name);
    return el('button', { type: 'button', class: `member-block${blocked ? ' on' : ''}`, testid: blocked ? 'unblock-button' : 'block-button',
      'aria-label': `${blocked ? 'Unblock' : 'Block'} ${name}`, title: `${blocked ? 'Unblock' : 'Block'} ${name}`,
      on: { click: () => actions.block(name, !blocked) } }, blocked ? 'Unblock' : 'Block');
  }

  function renderMembers(room, names, me, admin) {
    const moderates = Boolean(room) && (admin || (RANK[room.role] ?? 0) >= RANK.moderator) && !room.direct;
    const staff = room ? [...room.staff].join(',') : '';
    const blocks = names.filter((name) => actions.isBlocked(name)).join(',');
    const key = [moderates, admin, staff, blocks, ...names].join('\n');
    if (key === shownMembers) return;
    shownMembers = key;
    members.replaceChildren(
      ...names.map((name) => {
        const mine = sameUser(name, me);
        const role = room.staff.get(name.toLowerCase());
        const status = actions.statusOf(name);
        const li = el(
          'li',
          { class: mine ? 'member me' : 'member', dataset: { user: name }, title: name },
          avatar(name, 'small'),
          el('span', { class: 'member-text' },
            personName(name, { class: 'member-name', testid: 'member-name' }),
            el('span', { class: 'member-status', testid: 'member-status', dataset: { statusOf: name }, hidden: !status }, status)),
        );
        if (role) li.append(el('span', { class: `role-badge ${role}`, testid: 'role-badge' }, role));
        // Another user's name starts a direct conversation; a moderator also has the ways to stop them.
        if (!mine) {
          li.append(el('button', { type: 'button', class: 'member-dm', testid: 'dm-button', 'aria-label': `Message ${name}`,
            title: `Message ${name}`, on: { click: () => actions.openDirect(name) } }, '✉'));
          if (moderates && mayModerate(room, name, admin)) li.append(moderationButtons(name, admin));
          li.append(blockButton(name));
        }
        return li;
      }),
    );
    setText(count, names.length ? `${names.length} here` : '');
  }

  return {
    /** room: a Room or null */
    render(room, me, admin = false) {
      main.classList.toggle('no-room', !room);
      setText(title, room ? (room.direct ? displayName(room.peer) : room.name) : '');
      setRoomMark(hash, room);
      // The setting of a room in the user's list (an invitation is not in it yet).
      notifyLabel.hidden = !room || room.invitedBy || !actions.canNotify();
      if (room && notify.value !== room.notify) notify.value = room.notify;
      setText(notifyIcon, ICONS[notify.value] ?? ICONS.all);
      main.classList.toggle('room-muted', room?.notify === 'muted');
      // A room's moderators and owners, and the server's administrators, read its reports.
      reportsButton.hidden = !room || room.direct || room.invitedBy || !actions.canNotify()
        || !(admin || room.role === 'owner' || room.role === 'moderator');
      renderRoster(room, me);
      const names = room ? [...room.members].sort((a, b) => a.localeCompare(b)) : [];
      renderMembers(room, names, me, admin);
      this.renderTyping(room);
    },

    renderTyping(room) {
      const names = room ? [...room.typing.keys()] : [];
      let text = '';
      if (names.length === 1) text = `${displayName(names[0])} is typing…`;
      else if (names.length === 2) text = `${displayName(names[0])} and ${displayName(names[1])} are typing…`;
      else if (names.length > 2) text = `${names.length} people are typing…`;
      setText(typing, text);
      typing.classList.toggle('active', Boolean(text));
    },

    reset() {
      shownMembers = '';
      shownRoster = '';
      rosterList.replaceChildren();
      members.replaceChildren();
      setText(title, '');
      setText(typing, '');
    },
  };
}
