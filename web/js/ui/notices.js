// Dismissable notices for server `error` frames and other problems worth telling.

import { el, byTestId } from './dom.js';

const MAX_SHOWN = 4;

export function createNotices() {
  const host = byTestId('notices');
  const byKey = new Map(); // same text again bumps a counter instead of stacking

  function dismiss(key) {
    const item = byKey.get(key);
    if (!item) return;
    byKey.delete(key);
    item.node.remove();
  }

  return {
    /** kind: 'error' | 'info' */
    show(text, kind = 'error') {
      const key = `${kind}:${text}`;
      const existing = byKey.get(key);
      if (existing) {
        existing.count++;
        existing.countNode.textContent = ` ×${existing.count}`;
        host.append(existing.node);
        return;
      }
      const countNode = el('span', { class: 'count' });
      const node = el(
        'div',
        { class: `notice ${kind}`, testid: 'notice', role: kind === 'error' ? 'alert' : 'status' },
        el('span', { class: 'notice-text' }, text, countNode),
        el(
          'button',
          {
            type: 'button',
            class: 'notice-close',
            testid: 'notice-dismiss',
            'aria-label': 'Dismiss',
            on: { click: () => dismiss(key) },
          },
          '×',
        ),
      );
      byKey.set(key, { node, count: 1, countNode });
      host.append(node);
      while (byKey.size > MAX_SHOWN) dismiss(byKey.keys().next().value);
    },
    /** An info notice with one action (such as Undo); it goes away after `ms` or once used. */
    offer(text, label, action, ms = 8000) {
      const key = `offer:${text}`;
      dismiss(key);
      const node = el(
        'div',
        { class: 'notice info', testid: 'notice', role: 'status' },
        el('span', { class: 'notice-text' }, text),
        el(
          'button',
          {
            type: 'button',
            class: 'notice-action',
            testid: 'notice-action',
            on: {
              click: () => {
                dismiss(key);
                action();
              },
            },
          },
          label,
        ),
      );
      byKey.set(key, { node, count: 1, countNode: null });
      host.append(node);
      setTimeout(() => {
        if (byKey.get(key)?.node === node) dismiss(key);
      }, ms);
      while (byKey.size > MAX_SHOWN) dismiss(byKey.keys().next().value);
    },
    clear() {
      for (const key of [...byKey.keys()]) dismiss(key);
    },
  };
}

/** The banner over the conversation while the connection is down: shown on reconnecting or offline, hidden when back. */
export function createConnectionBanner() {
  const banner = document.querySelector('[data-testid="connection-banner"]');
  return {
    setState(state) {
      banner.hidden = !(state === 'reconnecting' || state === 'offline');
    },
  };
}
