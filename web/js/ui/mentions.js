// @mention suggestions in the message box: typing `@` and the start of a name (a username, or a word of a display
// name) lists the room's people who match; Up/Down choose, Enter or Tab puts `@username ` in, Escape closes.

import { el, avatar } from './dom.js';

// An `@` at the start or after a character that cannot end a name or an address, then what is typed of the name.
const TYPED = /(?:^|[^\w@.-])@([\w.-]{0,32})$/u;

/**
 * @param {HTMLTextAreaElement} box   the message box
 * @param {HTMLElement} list          the listbox to fill (role=listbox)
 * @param {(prefix: string) => {user: string, name: string|null}[]} candidates
 * @param {() => void} changed        called after a name was put in
 */
export function createMentionSuggestions(box, list, candidates, changed) {
  let shown = []; // the candidates listed
  let active = 0;
  let start = -1; // where the typed `@` is in the box

  function close() {
    shown = [];
    start = -1;
    list.hidden = true;
    list.replaceChildren();
    box.removeAttribute('aria-activedescendant');
    box.setAttribute('aria-expanded', 'false');
  }

  function choose(index) {
    const chosen = shown[index];
    if (!chosen || start < 0) return;
    const caret = box.selectionStart;
    const inserted = `@${chosen.user} `;
    box.value = box.value.slice(0, start) + inserted + box.value.slice(caret);
    const at = start + inserted.length;
    box.setSelectionRange(at, at);
    close();
    changed();
    box.focus();
  }

  function render() {
    list.replaceChildren(
      ...shown.map((person, i) => {
        const option = el('li', { id: `mention-option-${i}`, role: 'option', class: 'mention-option', testid: 'mention-option',
          'aria-selected': String(i === active),
          on: { mousedown: (ev) => { ev.preventDefault(); choose(i); } } },
          avatar(person.user, 'small'),
          el('span', { class: 'mention-name' }, person.name || person.user),
          person.name ? el('span', { class: 'mention-user' }, `@${person.user}`) : null);
        return option;
      }),
    );
    list.hidden = shown.length === 0;
    box.setAttribute('aria-expanded', String(shown.length > 0));
    if (shown.length) box.setAttribute('aria-activedescendant', `mention-option-${active}`);
  }

  /** Looks at what is typed before the caret, and lists or closes. */
  function update() {
    const before = box.value.slice(0, box.selectionStart);
    const typed = box.selectionStart === box.selectionEnd ? TYPED.exec(before) : null;
    if (!typed) {
      close();
      return;
    }
    start = before.length - typed[1].length - 1;
    shown = candidates(typed[1]);
    active = 0;
    render();
  }

  box.setAttribute('aria-autocomplete', 'list');
  box.setAttribute('aria-controls', list.id);
  box.setAttribute('aria-expanded', 'false');
  box.addEventListener('input', update);
  box.addEventListener('click', update);
  box.addEventListener('blur', close);

  return {
    /** Handles a key while suggestions are listed; true when it was theirs (the box does nothing more with it). */
    key(ev) {
      if (list.hidden || shown.length === 0) return false;
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        active = (active + (ev.key === 'ArrowDown' ? 1 : shown.length - 1)) % shown.length;
        render();
      } else if ((ev.key === 'Enter' && !ev.shiftKey) || ev.key === 'Tab') {
        choose(active);
      } else if (ev.key === 'Escape') {
        close();
      } else {
        return false;
      }
      ev.preventDefault();
      return true;
    },
    close,
  };
}
