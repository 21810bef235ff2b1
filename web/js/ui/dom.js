// Small DOM helpers. User-provided text only ever goes in through textContent / text nodes.

/**
 * el('li', { class: 'msg', dataset: { seq: 1 }, testid: 'x', on: { click } }, child, 'text')
 * String children become text nodes; attributes are set with setAttribute.
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value == null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'testid') node.dataset.testid = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'on') for (const [type, fn] of Object.entries(value)) node.addEventListener(type, fn);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child == null || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const byTestId = (id, root = document) => root.querySelector(`[data-testid="${id}"]`);

/** Sets textContent only when it changed (keeps screen readers and selection calm). */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

export function setData(node, key, value) {
  if (value == null) {
    if (key in node.dataset) delete node.dataset[key];
  } else if (node.dataset[key] !== String(value)) {
    node.dataset[key] = String(value);
  }
}

const pad = (n) => String(n).padStart(2, '0');

/** Local HH:MM for an ISO timestamp; '' when there is none. */
export function timeOf(iso) {
  const d = iso ? new Date(iso) : null;
  if (!d || Number.isNaN(d.getTime())) return '';
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fullDateOf(iso) {
  const d = iso ? new Date(iso) : null;
  if (!d || Number.isNaN(d.getTime())) return '';
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A stable pleasant hue per user name, for avatars. */
export function hueOf(name) {
  let h = 0;
  for (const ch of String(name).toLowerCase()) h = (h * 31 + ch.codePointAt(0)) >>> 0;
  return h % 360;
}

export function initialOf(name) {
  const first = [...String(name)][0] || '?';
  return first.toUpperCase();
}

// Who the page shows people as (people.js sets it once signed in): a user's display name and avatar thumbnail.
let people = { nameOf: (user) => user, avatarOf: () => null };

/** Sets where names and avatars come from: { nameOf(user) -> text, avatarOf(user) -> thumbnail URL or null }. */
export function setPeople(source) {
  people = source;
}

/** The name to show for a user: their display name once known, else the username. */
export const displayName = (user) => people.nameOf(user);

/**
 * A user's name as shown, kept in step with their profile (refreshPerson) wherever it stands; the username stays in
 * the title, since display names need not be unique.
 */
export function personName(user, props = {}) {
  const node = el('span', { ...props, dataset: { ...props.dataset, person: user } }, people.nameOf(user));
  if (people.nameOf(user) !== user) node.title = `@${user}`;
  return node;
}

/** The initial is drawn by CSS from data-initial, so it never pollutes a name's textContent; a photo covers it. */
export function avatar(name, extraClass = '') {
  const node = el('span', {
    class: `avatar ${extraClass}`.trim(),
    'aria-hidden': 'true',
    dataset: { initial: initialOf(name), avatarOf: name },
  });
  node.style.setProperty('--hue', String(hueOf(name)));
  showAvatar(node, people.avatarOf(name));
  return node;
}

function showAvatar(node, url) {
  node.classList.toggle('has-photo', Boolean(url));
  node.style.backgroundImage = url ? `url("${encodeURI(url)}")` : '';
}

/** Brings every name and avatar of `profile.user` on the page up to date with the profile. */
export function refreshPerson(profile) {
  const user = profile.user.toLowerCase();
  const name = profile.name || profile.user;
  for (const node of document.querySelectorAll('[data-person]')) {
    if (node.dataset.person.toLowerCase() !== user) continue;
    setText(node, name);
    if (name !== node.dataset.person) node.title = `@${node.dataset.person}`;
    else node.removeAttribute('title');
  }
  for (const node of document.querySelectorAll('[data-avatar-of]')) {
    if (node.dataset.avatarOf.toLowerCase() === user) showAvatar(node, profile.avatar?.thumbnailUrl ?? null);
  }
  for (const node of document.querySelectorAll('[data-status-of]')) {
    if (node.dataset.statusOf.toLowerCase() !== user) continue;
    setText(node, profile.status || '');
    node.hidden = !profile.status;
  }
}

// The page's own icons, drawn inline so that they look the same whatever fonts the machine has.
const ICONS = {
  lock: ['M7 11V8a5 5 0 0 1 10 0v3', 'M6 11h12v9H6z'],
  bell: ['M6 17v-6a6 6 0 0 1 12 0v6l1.5 1.5h-15z', 'M10 20.5a2 2 0 0 0 4 0'],
};

/** An inline icon (`lock`, `bell`), hidden from assistive technology: the control around it carries the words. */
export function icon(name) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  for (const [key, value] of Object.entries({ viewBox: '0 0 24 24', width: '1em', height: '1em', 'aria-hidden': 'true', class: `icon icon-${name}` })) {
    svg.setAttribute(key, value);
  }
  for (const d of ICONS[name]) {
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', d);
    path.setAttribute('fill', 'none');
    path.setAttribute('stroke', 'currentColor');
    path.setAttribute('stroke-width', '2');
    path.setAttribute('stroke-linejoin', 'round');
    svg.append(path);
  }
  return svg;
}

/** Shows a room's mark: an @ for a direct room, a lock for a private one, a # for a public one. */
export function setRoomMark(node, room) {
  const mark = room?.direct ? '@' : room?.isPrivate ? 'lock' : '#';
  if (node.dataset.mark === mark) return;
  node.dataset.mark = mark;
  if (mark === 'lock') node.replaceChildren(icon('lock'));
  else node.textContent = mark;
}

