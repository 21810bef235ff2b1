// On narrow screens the sidebar (account and rooms) is a drawer over the conversation, opened from the room header.

import { byTestId } from './dom.js';

const NARROW = '(max-width: 720px)';

export function createDrawer() {
  const screen = document.getElementById('chat-screen');
  const sidebar = document.getElementById('sidebar');
  const toggle = byTestId('drawer-toggle');
  const backdrop = byTestId('drawer-backdrop');
  const isOpen = () => screen.classList.contains('drawer-open');

  function set(open) {
    screen.classList.toggle('drawer-open', open);
    toggle.setAttribute('aria-expanded', String(open));
    if (open) sidebar.querySelector('button, input')?.focus();
  }

  toggle.addEventListener('click', () => set(!isOpen()));
  backdrop.addEventListener('click', () => set(false));
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && isOpen()) {
      set(false);
      toggle.focus();
    }
  });

  return {
    /** After picking a room: the conversation comes back into view. */
    close() {
      if (isOpen()) set(false);
    },
    /** With no room to show on a phone, the rooms are what the user needs first. */
    openIfNarrow() {
      if (window.matchMedia(NARROW).matches) set(true);
    },
  };
}
