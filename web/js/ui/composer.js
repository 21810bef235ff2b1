// The message composer: Enter sends, Shift+Enter adds a line, grows with its text.

import { byTestId, setText } from './dom.js';
import { MAX_TEXT } from '../validate.js';
import { createEmojiPicker } from './emoji.js';

const COUNTER_FROM = MAX_TEXT - 500;

/** @param {object} actions send(text) -> true when accepted, typed() */
export function createComposer(actions) {
  const form = document.querySelector('form.composer');
  const box = byTestId('composer', form);
  const sendButton = byTestId('send', form);
  const counter = form.querySelector('.counter');
  const emoji = createEmojiPicker(byTestId('emoji-button', form), byTestId('emoji-picker', form), box);
  let enabled = false;
  let room = null;
  const drafts = new Map(); // room -> unsent text, so switching rooms keeps what was typed

  function refresh() {
    const length = box.value.length;
    sendButton.disabled = !enabled || box.value.trim() === '';
    counter.hidden = length < COUNTER_FROM;
    setText(counter, `${length}/${MAX_TEXT}`);
    counter.classList.toggle('full', length >= MAX_TEXT);
    box.style.height = 'auto';
    box.style.height = `${Math.min(box.scrollHeight, 200)}px`;
  }

  function submit() {
    const text = box.value.trim();
    if (!enabled || !text || text.length > MAX_TEXT) return;
    if (actions.send(text)) {
      box.value = '';
      refresh();
    }
    box.focus();
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit();
  });
  box.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing && ev.keyCode !== 229) {
      ev.preventDefault();
      submit();
    }
  });
  box.addEventListener('input', () => {
    refresh();
    if (box.value.trim()) actions.typed();
  });

  return {
    /** room name or null: enables the composer and sets its placeholder. */
    setRoom(name) {
      if (name !== room) {
        if (room) drafts.set(room, box.value);
        box.value = (name && drafts.get(name)) || '';
        room = name;
      }
      enabled = Boolean(name);
      box.disabled = !enabled;
      emoji.setEnabled(enabled);
      box.placeholder = name ? `Message #${name}` : 'Join a room to start chatting';
      refresh();
    },
    /** Focuses after the pending render has enabled the box (touch screens: no keyboard pop-up). */
    focus() {
      queueMicrotask(() => {
        if (enabled && !window.matchMedia('(pointer: coarse)').matches) box.focus();
      });
    },
    reset() {
      box.value = '';
      room = null;
      drafts.clear();
      refresh();
    },
  };
}
