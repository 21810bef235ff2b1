// One message's element: built once, then kept in step with the message as it is edited, deleted, reacted
// to or answered. The list (messages.js) decides which messages show and where.

import { el, setText, fullDateOf, avatar, displayName } from './dom.js';
import { renderRichText, mentions } from './richtext.js';
import { snippet } from './composer.js';

// Past either, a message shows its first lines and a "Show more" button.
const LONG_CHARS = 700;
const LONG_LINES = 10;
// The reactions offered at one click; any other emoji goes through the composer's picker.
const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '😢'];
const CONFIRM_MS = 4000;
const PHOTO_BOX = 240; // the longest side of a photo in the conversation, in CSS pixels

/**
 * @param {object} actions  the message view's actions (canChange(), toggleReaction(seq, emoji), ...)
 * @param {object} view     roomShown() -> the room on screen, goTo(seq), openLightbox(msg)
 * @returns {{ build(msg, actionsForMsg, me): HTMLLIElement, syncChanges(li, msg, me): void }}
 */
export function createMessageItems(actions, view) {
  const rendered = new WeakMap(); // li -> the text (or deletion) it shows, so an edit re-renders it
  const { goTo, openLightbox } = view;

  function build(msg, actionsForMsg, me) {
    const from = el('span', { class: 'from', testid: 'message-from', dataset: { person: msg.from } });
    const text = renderRichText(el('div', { class: 'text', testid: 'message-text' }), msg.text || '', me);
    const time = el('time', { class: 'time' });
    const foot = el('div', { class: 'foot' }, time);
    if (msg.own) {
      foot.append(el('span', { class: 'status', role: 'img' }));
      const retry = el('button', { type: 'button', class: 'retry', testid: 'retry', hidden: true }, 'Retry');
      retry.addEventListener('click', () => actionsForMsg.retry(msg.id));
      foot.append(retry);
    }
    // A display name is anyone's to choose: the username stands beside it, so nobody passes for someone else.
    const handle = el('span', { class: 'from-user', testid: 'message-username', hidden: true });
    const bubble = el('div', { class: 'bubble' }, el('div', { class: 'meta' }, from, handle));
    // A reply shows the message it answers, as that message is now; a click goes to it.
    if (msg.replyTo) {
      bubble.append(el('button', { type: 'button', class: 'quote', testid: 'reply-quote', on: { click: () => goTo(msg.replyTo) } }));
    }
    if (msg.attachment) bubble.append(photoOf(msg));
    bubble.append(text);
    if (isLong(msg.text || '')) bubble.append(moreButton());
    foot.prepend(el('span', { class: 'edited', testid: 'edited-label', hidden: true }, '(edited)'));
    bubble.append(foot, el('div', { class: 'reactions', testid: 'reactions', role: 'group', 'aria-label': 'Reactions' }), messageActions(msg, actionsForMsg));
    const day = el('div', { class: 'day', role: 'separator', hidden: true });
    const line = el('div', { class: 'new-line', role: 'separator', testid: 'new-line', hidden: true }, 'New messages');
    const seen = el('div', { class: 'seen', testid: 'seen-by', hidden: true });
    const li = el('li', { class: `${msg.own ? 'msg own' : 'msg'}${isLong(msg.text || '') ? ' long' : ''}` }, day, line);
    // A message naming the reader stands out (never the reader's own).
    if (!msg.own && mentions(msg.text || '', me)) li.classList.add('mentions-me');
    if (!msg.own) li.append(avatar(msg.from));
    li.append(bubble, seen);
    rendered.set(li, msg.text || '');
    return li;
  }

  // Reply-less actions of a message, shown on hover or keyboard focus: react; for one's own, edit; delete for one's own
  // and, for the room's moderators, anyone's.
  function messageActions(msg, acts) {
    const bar = el('div', { class: 'actions', testid: 'message-actions', role: 'toolbar', 'aria-label': 'Message actions' });
    const quick = el('div', { class: 'quick-reactions', testid: 'quick-reactions', role: 'group', 'aria-label': 'React with', hidden: true });
    for (const emoji of QUICK_REACTIONS) {
      quick.append(el('button', { type: 'button', class: 'quick', 'aria-label': `React with ${emoji}`,
        on: { click: () => { quick.hidden = true; acts.toggleReaction(msg.seq, emoji); } } }, emoji));
    }
    const react = el('button', { type: 'button', class: 'act', testid: 'react-button', 'aria-label': 'Add a reaction', 'aria-expanded': 'false',
      on: { click: () => { quick.hidden = !quick.hidden; react.setAttribute('aria-expanded', String(!quick.hidden)); } } }, '☺+');
    bar.append(react);
    bar.append(el('button', { type: 'button', class: 'act', testid: 'reply-button', on: { click: () => acts.reply(msg) } }, 'Reply'));
    if (msg.own) bar.append(el('button', { type: 'button', class: 'act', testid: 'edit-button', on: { click: () => acts.edit(msg) } }, 'Edit'));
    // Someone else's message goes to the room's moderators with a second click within a few seconds.
    if (!msg.own) bar.append(confirmed(el('button', { type: 'button', class: 'act', testid: 'report-button', title: 'Report to the room’s moderators' }, 'Report'),
      'Report?', () => acts.report(msg.seq)));
    // Deleting (one's own message, or anyone's for a moderator) asks for a second click within a few seconds.
    const del = el('button', { type: 'button', class: 'act danger', testid: 'delete-button', hidden: !msg.own }, 'Delete');
    let timer = null;
    del.addEventListener('click', () => {
      if (del.dataset.confirm) {
        clearTimeout(timer);
        acts.remove(msg.seq);
        return;
      }
      del.dataset.confirm = '1';
      del.textContent = 'Delete?';
      timer = setTimeout(() => {
        delete del.dataset.confirm;
        del.textContent = 'Delete';
      }, CONFIRM_MS);
    });
    bar.append(del);
    bar.append(quick);
    return bar;
  }

  // A message's photo: its thumbnail at the size the server gave, opening full size in the lightbox.
  function photoOf(msg) {
    const { width, height } = msg.attachment;
    const scale = width && height ? Math.min(1, PHOTO_BOX / Math.max(width, height)) : 1;
    const img = el('img', {
      testid: 'photo-thumbnail',
      alt: `Photo from ${msg.from}`,
      loading: 'lazy',
      decoding: 'async',
      width: width ? Math.round(width * scale) : null,
      height: height ? Math.round(height * scale) : null,
    });
    img.src = msg.localUrl || msg.attachment.thumbnailUrl;
    return el('button', { type: 'button', class: 'photo', testid: 'photo', 'aria-label': `Open the photo from ${msg.from}`,
      on: { click: () => openLightbox(msg) } }, img);
  }

  function syncQuote(li, msg) {
    const quote = li.querySelector('.quote');
    if (!quote) return;
    const target = view.roomShown()?.find(msg.replyTo);
    const text = !target ? 'an earlier message'
      : target.deleted ? `${displayName(target.from)}: (deleted message)` : `${displayName(target.from)}: ${snippet(target.text)}`;
    setText(quote, `↩ ${text}`);
    quote.disabled = !target;
    quote.setAttribute('aria-label', `In reply to ${text}`);
  }

  function syncPhoto(li, msg) {
    const photo = li.querySelector('.photo');
    if (!photo) return;
    if (msg.deleted || !msg.attachment) {
      photo.remove();
      return;
    }
    // Stored now: the server's thumbnail replaces the picture this page showed while it was sent.
    if (msg.localUrl && msg.seq != null) {
      photo.querySelector('img').src = msg.attachment.thumbnailUrl;
      URL.revokeObjectURL(msg.localUrl);
      msg.localUrl = null;
    }
  }

  // A button that acts on its second click within a few seconds; the first asks with `asking`.
  function confirmed(button, asking, act) {
    const label = button.textContent;
    let timer = null;
    button.addEventListener('click', () => {
      if (button.dataset.confirm) {
        clearTimeout(timer);
        delete button.dataset.confirm;
        button.textContent = label;
        act();
        return;
      }
      button.dataset.confirm = '1';
      button.textContent = asking;
      timer = setTimeout(() => {
        delete button.dataset.confirm;
        button.textContent = label;
      }, CONFIRM_MS);
    });
    return button;
  }

  function syncChanges(li, msg, me) {
    syncQuote(li, msg);
    syncPhoto(li, msg);
    // A blocked user's message is folded away until the reader asks to see it.
    const folded = !msg.deleted && !msg.revealed && actions.isBlocked(msg.from);
    const shown = msg.deleted ? `\u0000deleted${msg.moderated ? ' by a moderator' : ''}` : folded ? '\u0000blocked' : msg.text || '';
    if (rendered.get(li) !== shown) {
      rendered.set(li, shown);
      const text = li.querySelector('.text');
      if (msg.deleted) {
        text.replaceChildren(msg.moderated ? 'Removed by a moderator' : 'This message was deleted');
        li.classList.remove('long', 'mentions-me');
      } else if (folded) {
        text.replaceChildren('Message from a user you blocked ',
          el('button', { type: 'button', class: 'reveal', testid: 'reveal-blocked', on: { click: () => { msg.revealed = true; actions.refresh(); } } }, 'Show'));
        li.classList.remove('long', 'mentions-me');
      } else {
        renderRichText(text, msg.text || '', me);
      }
    }
    li.classList.toggle('blocked', folded);
    li.classList.toggle('deleted', Boolean(msg.deleted));
    const edited = li.querySelector('.edited');
    edited.hidden = !msg.editedAt || msg.deleted;
    if (msg.editedAt) edited.title = `Edited ${fullDateOf(msg.editedAt)}`;
    const canChange = msg.seq != null && !msg.deleted && actions.canChange();
    li.querySelector('.actions').hidden = !canChange;
    const del = li.querySelector('[data-testid="delete-button"]');
    if (del) del.hidden = !msg.own && !actions.moderates();

    const box = li.querySelector('.reactions');
    const reactions = msg.deleted ? [] : msg.reactions || [];
    box.hidden = reactions.length === 0;
    const chips = reactions.map((r) => {
      let chip = [...box.children].find((c) => c.dataset.emoji === r.emoji);
      if (!chip) {
        chip = el('button', { type: 'button', class: 'reaction', testid: 'reaction', dataset: { emoji: r.emoji },
          on: { click: () => actions.toggleReaction(msg.seq, r.emoji) } });
      }
      const mine = msg.mine?.has(r.emoji) ?? false;
      setText(chip, `${r.emoji} ${r.count}`);
      chip.setAttribute('aria-pressed', String(mine));
      const names = r.users.join(', ') + (r.count > r.users.length ? ` and ${r.count - r.users.length} more` : '');
      chip.title = names;
      chip.setAttribute('aria-label', `${r.emoji} ${r.count}: ${names}`);
      return chip;
    });
    if (chips.length !== box.children.length || chips.some((c, i) => box.children[i] !== c)) box.replaceChildren(...chips);
  }

  function isLong(text) {
    return text.length > LONG_CHARS || text.split('\n').length > LONG_LINES;
  }

  function moreButton() {
    const more = el('button', { type: 'button', class: 'more', testid: 'show-more', 'aria-expanded': 'false' }, 'Show more');
    more.addEventListener('click', () => {
      const open = more.closest('.msg').classList.toggle('expanded');
      more.textContent = open ? 'Show less' : 'Show more';
      more.setAttribute('aria-expanded', String(open));
    });
    return more;
  }

  return { build, syncChanges };
}
