// Room header (name and who is present) and the "X is typing…" line.

import { el, byTestId, setText, avatar } from './dom.js';
import { sameUser } from '../validate.js';

export function createRoomHeader() {
  const main = document.querySelector('.main');
  const title = byTestId('current-room', main);
  const count = main.querySelector('.member-count');
  const members = byTestId('members', main);
  const typing = byTestId('typing', main);
  let shownMembers = '';

  function renderMembers(names, me) {
    const key = names.join('\n');
    if (key === shownMembers) return;
    shownMembers = key;
    members.replaceChildren(
      ...names.map((name) =>
        el(
          'li',
          { class: sameUser(name, me) ? 'member me' : 'member', dataset: { user: name }, title: name },
          avatar(name, 'small'),
          el('span', { class: 'member-name' }, name),
        ),
      ),
    );
    setText(count, names.length ? `${names.length} here` : '');
  }

  return {
    /** room: a Room or null */
    render(room, me) {
      main.classList.toggle('no-room', !room);
      setText(title, room ? room.name : '');
      const names = room ? [...room.members].sort((a, b) => a.localeCompare(b)) : [];
      renderMembers(names, me);
      this.renderTyping(room);
    },

    renderTyping(room) {
      const names = room ? [...room.typing.keys()] : [];
      let text = '';
      if (names.length === 1) text = `${names[0]} is typing…`;
      else if (names.length === 2) text = `${names[0]} and ${names[1]} are typing…`;
      else if (names.length > 2) text = `${names.length} people are typing…`;
      setText(typing, text);
      typing.classList.toggle('active', Boolean(text));
    },

    reset() {
      shownMembers = '';
      members.replaceChildren();
      setText(title, '');
      setText(typing, '');
    },
  };
}
