// A small emoji picker beside the composer: a grid of common emoji, inserted where the cursor is.

import { el } from './dom.js';

const EMOJI = [
  '😀', '😂', '🙂', '😉', '😍', '😘', '😎', '🤔', '😅', '😭', '😡', '😴',
  '👍', '👎', '👏', '🙌', '🙏', '💪', '👋', '🤝', '✌️', '👀', '🎉', '🔥',
  '❤️', '💔', '✅', '❌', '⭐', '💡', '☕', '🍕', '🚀', '⚠️', '❓', '💯',
];

/** Wires `toggle` to open `panel` with the emoji; a pick is inserted into `box` at its selection. */
export function createEmojiPicker(toggle, panel, box) {
  panel.replaceChildren(
    ...EMOJI.map((emoji) =>
      el('button', { type: 'button', class: 'emoji', testid: 'emoji', 'aria-label': `Insert ${emoji}`, on: { click: () => pick(emoji) } }, emoji),
    ),
  );

  function open(show) {
    panel.hidden = !show;
    toggle.setAttribute('aria-expanded', String(show));
    if (show) panel.querySelector('button')?.focus();
  }

  function pick(emoji) {
    const start = box.selectionStart ?? box.value.length;
    const end = box.selectionEnd ?? start;
    box.setRangeText(emoji, start, end, 'end');
    // The composer reacts to input as to typing: the send button and the counter follow.
    box.dispatchEvent(new Event('input', { bubbles: true }));
    open(false);
    box.focus();
  }

  toggle.addEventListener('click', () => open(panel.hidden));
  panel.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') {
      ev.stopPropagation();
      open(false);
      toggle.focus();
    }
  });
  document.addEventListener('pointerdown', (ev) => {
    if (!panel.hidden && !panel.contains(ev.target) && ev.target !== toggle) open(false);
  });

  return {
    /** Follows the composer: no picking while there is no room to send to. */
    setEnabled(enabled) {
      toggle.disabled = !enabled;
      if (!enabled) open(false);
    },
  };
}
