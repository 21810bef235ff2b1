// The message composer: Enter sends, Shift+Enter adds a line, grows with its text.

import { byTestId, setText } from './dom.js';
import { MAX_TEXT } from '../validate.js';
import { createEmojiPicker } from './emoji.js';
import { createAttacher } from './attach.js';
import { createMentionSuggestions } from './mentions.js';

const COUNTER_FROM = MAX_TEXT - 500;

/**
 * @param {object} actions send(text, replyTo, attachment, localUrl) -> true when accepted, saveEdit(seq, text) -> true
 *   when sent, typed(), failed(text) for a photo the server refused, mentionCandidates(prefix) -> [{ user, name }]
 */
export function createComposer(actions) {
  const form = document.querySelector('form.composer');
  const box = byTestId('composer', form);
  const sendButton = byTestId('send', form);
  const counter = form.querySelector('.counter');
  const emoji = createEmojiPicker(byTestId('emoji-button', form), byTestId('emoji-picker', form), box);
  const editing = byTestId('editing', form);
  const replying = byTestId('replying', form);
  let enabled = false;
  let reply = null; // the seq of the message the next send answers
  let room = null;
  let edit = null; // { seq, draft }: the message being edited, and what the box held before
  const drafts = new Map(); // room -> unsent text, so switching rooms keeps what was typed
  const suggestions = createMentionSuggestions(box, byTestId('mention-suggestions', form),
    (prefix) => (enabled ? actions.mentionCandidates(prefix) : []), () => refresh());
  const photo = createAttacher({
    changed: () => refresh(),
    failed: (text) => actions.failed(text),
    canAttach: () => enabled && !edit,
  });

  function refresh() {
    const length = box.value.length;
    sendButton.disabled = !enabled || photo.uploading() || (box.value.trim() === '' && !photo.ready());
    counter.hidden = length < COUNTER_FROM;
    setText(counter, `${length}/${MAX_TEXT}`);
    counter.classList.toggle('full', length >= MAX_TEXT);
    box.style.height = 'auto';
    box.style.height = `${Math.min(box.scrollHeight, 200)}px`;
  }

  function setLabel(text, label) {
    setText(sendButton.querySelector('.send-label'), text);
    sendButton.setAttribute('aria-label', label);
  }

  function stopEditing(restore) {
    if (!edit) return;
    box.value = restore ? edit.draft : '';
    edit = null;
    editing.hidden = true;
    setLabel('Send', 'Send message');
    refresh();
  }

  function stopReplying() {
    reply = null;
    replying.hidden = true;
  }

  function submit() {
    const text = box.value.trim();
    if (!enabled || text.length > MAX_TEXT || photo.uploading()) return;
    if (!text && (edit || !photo.ready())) return;
    if (edit) {
      if (actions.saveEdit(edit.seq, text)) stopEditing(true);
      box.focus();
      return;
    }
    if (actions.send(text, reply, photo.ready(), photo.localUrl())) {
      box.value = '';
      stopReplying();
      photo.sent();
      refresh();
    }
    box.focus();
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit();
  });
  editing.querySelector('button').addEventListener('click', () => stopEditing(true));
  replying.querySelector('button').addEventListener('click', () => {
    stopReplying();
    box.focus();
  });
  box.addEventListener('keydown', (ev) => {
    if (suggestions.key(ev)) return;
    if (ev.key === 'Escape' && edit) {
      ev.preventDefault();
      stopEditing(true);
      return;
    }
    if (ev.key === 'Escape' && reply != null) {
      ev.preventDefault();
      stopReplying();
      return;
    }
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
    /** room name or null: enables the composer and sets its placeholder; label names the room to the user. */
    setRoom(name, label = `#${name}`) {
      if (name !== room) {
        suggestions.close();
        stopEditing(true);
        stopReplying();
        photo.clear();
        if (room) drafts.set(room, box.value);
        box.value = (name && drafts.get(name)) || '';
        room = name;
      }
      enabled = Boolean(name);
      box.disabled = !enabled;
      photo.setEnabled(enabled);
      emoji.setEnabled(enabled);
      box.placeholder = name ? `Message ${label}` : 'Join a room to start chatting';
      refresh();
    },
    /** Focuses after the pending render has enabled the box (touch screens: no keyboard pop-up). */
    focus() {
      queueMicrotask(() => {
        if (enabled && !window.matchMedia('(pointer: coarse)').matches) box.focus();
      });
    },
    /** Puts one of the user's messages in the box to edit; Enter saves, Escape gives the draft back. */
    startEdit(msg) {
      if (!enabled || msg.seq == null || msg.deleted) return;
      if (!edit) edit = { seq: msg.seq, draft: box.value };
      else edit.seq = msg.seq;
      box.value = msg.text;
      editing.hidden = false;
      setLabel('Save', 'Save the edited message');
      refresh();
      box.focus();
      box.setSelectionRange(box.value.length, box.value.length);
    },
    /** The next message answers this one; Escape or Cancel drops the reply. */
    startReply(msg) {
      if (!enabled || msg.seq == null || msg.deleted) return;
      stopEditing(true);
      reply = msg.seq;
      setText(replying.querySelector('.replying-text'), `Replying to ${msg.from}: ${snippet(msg.text)}`);
      replying.hidden = false;
      box.focus();
    },
    reset() {
      edit = null;
      stopReplying();
      editing.hidden = true;
      box.value = '';
      room = null;
      drafts.clear();
      refresh();
    },
  };
}

/** The start of a message, on one line, to name it in a reply. */
export function snippet(text, length = 80) {
  const line = String(text || '').replace(/\s+/g, ' ').trim();
  return line.length > length ? `${line.slice(0, length - 1)}…` : line;
}
