// Entry point: decides between the sign-in card and the chat, and wires the views
// to the chat controller of the signed-in user.

import * as api from './api.js';
import { Chat } from './chat.js';
import { createAuthView } from './ui/auth.js';
import { createSidebar } from './ui/sidebar.js';
import { createRoomHeader } from './ui/room.js';
import { createInvitationView } from './ui/invitation.js';
import { createMessageView } from './ui/messages.js';
import { createComposer } from './ui/composer.js';
import { createNotices, createConnectionBanner } from './ui/notices.js';
import { initTheme } from './ui/theme.js';
import { initNotifications } from './ui/notify.js';
import { createDrawer } from './ui/drawer.js';
import { createDirectory } from './ui/directory.js';
import { createSearch } from './ui/search.js';
import { createReports } from './ui/reports.js';
import { createProfileEditor } from './ui/profile.js';
import { setPeople, refreshPerson } from './ui/dom.js';

const REFRESH_BEFORE_MS = 60_000;
const REFRESH_MIN_WAIT_MS = 30_000;

const chatScreen = document.getElementById('chat-screen');
initTheme(document.querySelector('[data-testid="theme"]'));
initNotifications(document.querySelector('[data-testid="notifications"]'));
let chat = null;
let refreshTimer = null;
let stopListening = null;

// Names and avatars, wherever they are drawn, come from the signed-in chat's profiles.
setPeople({
  nameOf: (user) => (chat ? chat.profiles.nameOf(user) : user),
  avatarOf: (user) => (chat ? chat.profiles.get(user)?.avatar?.thumbnailUrl ?? null : null),
});
let tokenExpiry = 0;

const drawer = createDrawer();

/** Runs a sidebar action; when it succeeds ('' or nothing to say), a phone's drawer makes way for the room. */
function andClose(result) {
  if (!result) drawer.close();
  return result;
}

// Views live for the whole page; their actions go to whichever chat is signed in.
const ui = {
  sidebar: createSidebar({
    join: (name, options) => andClose(chat ? chat.join(name, { ...options, claim: true }) : 'Not signed in'),
    openDirect: (user) => andClose(chat ? chat.account.openDirect(user) : 'Not signed in'),
    select: (name) => andClose(chat?.select(name)),
    leave: (name) => {
      if (!chat) return;
      chat.leave(name);
      // One click leaves at once; the notice offers the way back for a few seconds.
      const left = chat;
      ui.notices.offer(`Left #${name}`, 'Undo', () => left === chat && chat.join(name));
    },
    signOut: () => signOut(),
    signOutEverywhere: () => signOutEverywhere(),
  }),
  directory: createDirectory({
    browse: (prefix, after) => chat?.account.browse(prefix, after) ?? false,
    join: (name) => andClose(chat ? chat.join(name) : 'Not signed in'),
  }),
  search: createSearch({
    search: (query, after) => chat?.search(query, after) ?? false,
    open: (room, seq) => andClose(chat ? chat.openMessage(room, seq) : 'Not signed in'),
  }),
  reports: createReports({
    list: (room, open, before) => chat?.listReports(room, open, before) ?? false,
    resolve: (room, seq) => chat?.resolveReports(room, seq) ?? false,
    open: (room, seq) => chat?.openMessage(room, seq),
    currentRoom: () => chat?.current ?? null,
    isAdmin: () => Boolean(chat?.admin),
  }),
  header: createRoomHeader({
    openDirect: (user) => chat?.account.openDirect(user),
    changeMember: (user, invite) => chat?.account.changeMember(user, invite),
    moderate: (action, user, minutes) => chat?.moderate(action, user, minutes),
    block: (user, on) => chat?.block(user, on),
    isBlocked: (user) => (chat ? chat.isBlocked(user) : false),
    suspend: (user) => chat?.suspend(user),
    setNotify: (level) => chat?.setNotify(level),
    canNotify: () => (chat ? chat.protocol >= 2 : false),
    statusOf: (user) => chat?.profiles.get(user)?.status ?? '',
  }),
  profile: createProfileEditor({
    me: () => chat?.me ?? '',
    profile: () => (chat ? chat.profiles.get(chat.me) : null),
    save: (fields) => chat?.saveProfile(fields) ?? false,
    canEdit: () => (chat ? chat.protocol >= 2 : false),
  }),
  messages: createMessageView({
    loadOlder: () => chat?.loadOlder(),
    loadNewer: () => chat?.loadNewer(),
    jumpToPresent: () => chat?.jumpToPresent(),
    retry: (id) => chat?.outgoing.retry(id),
    canChange: () => (chat ? chat.protocol >= 2 : false),
    moderates: () => (chat ? chat.moderates(chat.currentRoom()) : false),
    edit: (msg) => ui.composer.startEdit(msg),
    remove: (seq) => chat?.changes.remove(seq),
    report: (seq) => chat?.report(seq),
    isBlocked: (user) => (chat ? chat.isBlocked(user) : false),
    refresh: () => chat?.invalidate(),
    toggleReaction: (seq, emoji) => chat?.changes.toggleReaction(seq, emoji),
    reply: (msg) => ui.composer.startReply(msg),
  }),
  composer: createComposer({
    send: (text, replyTo, attachment, localUrl) => (chat ? chat.outgoing.send(text, replyTo, attachment, localUrl) : false),
    failed: (text) => ui.notices.show(text),
    saveEdit: (seq, text) => (chat ? chat.changes.edit(seq, text) : false),
    typed: () => chat?.signals.typed(),
    mentionCandidates: (prefix) => chat?.mentionCandidates(prefix) ?? [],
  }),
  notices: createNotices(),
  banner: createConnectionBanner(),
  invitation: createInvitationView({
    accept: (name) => chat?.account.accept(name),
    decline: (name) => chat?.leave(name),
  }),
};

const auth = createAuthView({
  async signIn(username, password) {
    const res = await api.login(username, password);
    if (!res.ok) return { ok: false, code: res.error, status: res.status, retryAfter: res.retryAfter };
    let session = res.data;
    if (!session?.token) {
      // Signed in by cookie only: ask the session endpoint for a token.
      const fallback = await api.session();
      if (!fallback.ok || !fallback.data?.token) return { ok: false, code: null, status: fallback.status };
      session = fallback.data;
    }
    enterChat({ ...session, username: session.username || username });
    return { ok: true };
  },
  async register(username, password) {
    const res = await api.register(username, password);
    if (!res.ok) return { ok: false, code: res.error, status: res.status, retryAfter: res.retryAfter };
    return this.signIn(username, password);
  },
});

/** A fresh token from the cookie's session, for reconnects and refreshes. */
async function freshToken() {
  const res = await api.session();
  if (res.ok && res.data?.token) {
    scheduleRefresh(res.data.expiresAt);
    return { status: 'ok', token: res.data.token };
  }
  return { status: res.status === 401 ? 'unauthorized' : 'error' };
}

function enterChat(session) {
  leaveChat();
  auth.hide();
  chatScreen.hidden = false;
  document.body.dataset.screen = 'chat';
  const username = session.username || '';
  chat = new Chat(username, ui, {
    getToken: freshToken,
    onAuthLost: (reason) =>
      showSignIn(
        reason === 'expired'
          ? 'Your session has expired — please sign in again.'
          : reason === 'too_many'
            ? 'You have too many tabs or devices connected — close one and sign in again.'
            : reason === 'suspended'
              ? 'Your account was suspended by the server’s administrators.'
              : 'You have been signed out — please sign in again.',
      ),
    onRefreshed: (expiresAt) => scheduleRefresh(expiresAt),
  });
  // A changed profile redraws every name and avatar of that user on the page.
  stopListening = chat.profiles.listen((profile) => {
    refreshPerson(profile);
    chat?.invalidate();
  });
  tokenExpiry = 0;
  scheduleRefresh(session.expiresAt);
  chat.start(session.token);
  if (!chat.current) drawer.openIfNarrow();
}

function leaveChat() {
  clearTimeout(refreshTimer);
  if (!chat) return;
  stopListening?.();
  stopListening = null;
  chat.stop();
  chat = null;
  ui.sidebar.reset();
  ui.header.reset();
  ui.messages.render(null, '');
  ui.composer.reset();
  ui.notices.clear();
}

function showSignIn(message = '') {
  leaveChat();
  chatScreen.hidden = true;
  document.body.dataset.screen = 'auth';
  document.title = 'ActorChat';
  auth.show(message);
}

async function signOut() {
  leaveChat(); // closes the socket first, so nothing tries to reconnect
  await api.logout();
  showSignIn();
}

/** Ends every session of the account: every tab and device, this one included, is signed out. */
async function signOutEverywhere() {
  leaveChat();
  const res = await api.logoutEverywhere();
  showSignIn(res.ok ? 'You have been signed out on every device.' : 'Signing out everywhere failed — please try again.');
}

/** Swaps the live connection's token shortly before it expires (the `refresh` frame). */
function scheduleRefresh(expiresAt) {
  const at = Date.parse(expiresAt);
  if (Number.isNaN(at) || at <= tokenExpiry) return; // nothing new to refresh to
  tokenExpiry = at;
  clearTimeout(refreshTimer);
  const wait = Math.max(REFRESH_MIN_WAIT_MS, at - Date.now() - REFRESH_BEFORE_MS);
  if (wait > 2 ** 31 - 1) return;
  refreshTimer = setTimeout(async () => {
    const current = chat;
    const res = await api.session();
    if (chat !== current || !current) return;
    if (res.status === 401) {
      showSignIn('Your session has expired — please sign in again.');
      return;
    }
    const next = Date.parse(res.data?.expiresAt);
    if (res.ok && res.data?.token && next > tokenExpiry) current.refreshToken(res.data.token);
  }, wait);
}

async function boot() {
  document.body.dataset.screen = 'checking';
  // The server marks a signed-in browser with a readable cookie beside its HttpOnly one: without it there is no
  // session to ask for, and asking would only log a 401 in the console.
  if (!api.maybeSignedIn()) {
    showSignIn();
    return;
  }
  const res = await api.session();
  if (res.ok && res.data?.token) enterChat(res.data);
  else showSignIn();
}

boot();
