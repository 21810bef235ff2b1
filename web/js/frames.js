// Handlers for server frames (PROTOCOL.md, "Server to client"). Each one updates the
// chat's state and asks for a render; none touches the DOM.

import { sameUser } from './validate.js';
import { mentions } from './ui/richtext.js';

const ERROR_TEXT = {
  bad_frame: 'The server could not read a request',
  unknown_type: 'The server did not understand a request',
  invalid_room: 'Invalid room name',
  not_joined: 'You are not in that room',
  too_large: 'That was too large',
  rate_limited: 'You are sending too fast — slow down a little',
  forbidden: 'Not allowed',
  conflict: 'That room exists already',
  unavailable: 'The server is busy — try again in a moment',
  internal: 'Something went wrong on the server',
  not_found: 'That message no longer exists',
  limit_reached: 'A limit was reached',
};

export function handleFrame(chat, frame) {
  const handler = HANDLERS[frame.type];
  if (handler) handler(chat, frame);
}

// The frames that a resume by revision replays inside `joined`.
const EVENT_TYPES = new Set(['message', 'edited', 'deleted', 'reaction', 'member', 'moderation']);

const roomOf = (chat, frame) => (typeof frame.room === 'string' ? chat.rooms.get(frame.room) : undefined);
const list = (value) => (Array.isArray(value) ? value : []);

// How new a message in a first replay must be to call for attention.
const ATTENTION_WINDOW_MS = 2 * 60 * 1000;

// A room's first replay: the unread count becomes what other users wrote past the user's marker (one's own messages,
// sent from any client, are never unread), and a room someone else just put in the list (a first direct message)
// calls for attention as its messages would have, had they come live.
function firstLoad(chat, room) {
  const arrived = room.arrived;
  room.arrived = false;
  if (chat.isShown(room)) {
    room.unread = 0;
    room.mentions = 0;
    return;
  }
  const reachesMarker = room.list.length > 0 && room.minSeq <= room.readSent + 1;
  room.unread = reachesMarker || arrived
    ? room.unreadAfter(room.readSent)
    : Math.max(0, room.unread - room.ownAfter(room.readSent));
  // Past what is loaded, the server's count (from the room list) stands.
  if (reachesMarker || arrived) room.mentions = mentionsAfter(chat, room, room.readSent);
  // Only what was just sent: a conversation the user opened on another device replays what they saw there.
  const newest = room.list.findLast((m) => !m.own && m.seq > room.readSent);
  const recent = newest && (!newest.ts || Date.now() - Date.parse(newest.ts) < ATTENTION_WINDOW_MS);
  if (arrived && recent && (room.direct || mentions(newest.text, chat.me))) chat.callAttention(room, newest);
}

/** Whether a message of another user asks this user's attention: it mentions them, or it is in a direct room. */
const callsFor = (chat, room, msg) => !msg.own && !msg.deleted && (room.direct || mentions(msg.text, chat.me));

/** The loaded messages after `seq` that mention the user (every one of the other's in a direct room): the server's rule. */
function mentionsAfter(chat, room, seq) {
  let count = 0;
  for (let i = room.list.length - 1; i >= 0 && room.list[i].seq > seq; i--) if (callsFor(chat, room, room.list[i])) count++;
  return count;
}

const HANDLERS = {
  joined(chat, f) {
    const room = roomOf(chat, f);
    if (!room) return; // left while the join was under way
    const wasLoaded = room.loaded;
    const messages = list(f.messages);
    // A resume that reached back too far: start over from the page the server gives.
    if (f.reset === true) room.clearSettled();
    // A truncated replay that does not connect to what we hold: keep only the replay.
    if (f.truncated && wasLoaded && messages.length && messages[0].seq > room.contiguousTop() + 1) {
      room.clearSettled();
    }
    for (const m of messages) {
      const added = room.addServerMessage(m, chat.me);
      if (added && wasLoaded && !added.own && !chat.isShown(room)) {
        room.unread++;
        if (callsFor(chat, room, added)) room.mentions++;
      }
    }
    if (!wasLoaded) firstLoad(chat, room);
    // A resume by revision: every event since, in order, as it was announced live.
    for (const event of list(f.events)) {
      if (event && typeof event === 'object' && event.room === room.name && EVENT_TYPES.has(event.type)) HANDLERS[event.type](chat, event);
    }
    room.noteRev(f.rev);
    room.isPrivate = f.private === true;
    room.direct = f.direct === true || room.direct;
    room.owner = typeof f.owner === 'string' ? f.owner : null;
    room.roster = list(f.roster).filter((u) => typeof u === 'string');
    room.role = typeof f.role === 'string' ? f.role : 'member';
    room.staff = new Map(list(f.staff).filter((s) => s && typeof s.user === 'string' && typeof s.role === 'string').map((s) => [s.user.toLowerCase(), s.role]));
    room.slowmode = Number.isInteger(f.slowmode) ? f.slowmode : 0;
    room.create = false;
    room.pendingDirect = false;
    room.members = new Set(list(f.members).filter((u) => typeof u === 'string'));
    room.loaded = true;
    room.joinedOnConn = true;
    room.joining = false;
    chat.signals.receivedSoon(room);
    chat.outgoing.resendPending(room);
    // Past the replay limit: keep asking from where we got to until the replay is complete.
    if (f.truncated && room.contiguousTop() > (room.lastSince ?? -1)) chat.sendJoin(room);
    chat.invalidate();
    chat.revealMessage(room);
  },

  message(chat, f) {
    const room = roomOf(chat, f);
    if (!room) return;
    const before = room.maxSeq;
    const added = room.addServerMessage(f, chat.me);
    if (!added) {
      chat.invalidate(); // an own pending message may just have been settled
      return;
    }
    chat.signals.stopTyping(room, added.from);
    chat.signals.receivedSoon(room);
    if (!added.own && !chat.isShown(room)) {
      room.unread++;
      // A mention of the user, or anything in a direct conversation, asks for attention.
      if (callsFor(chat, room, added)) {
        room.mentions++;
        chat.callAttention(room, added);
      }
    }
    if (room.loaded && before && added.seq > before + 1) chat.checkGapSoon(room);
    chat.invalidate();
  },

  ack(chat, f) {
    if (chat.reported.delete(f.id)) {
      chat.ui.notices.show('Reported to the room’s moderators');
      return;
    }
    if (chat.resolving.delete(f.id)) {
      chat.ui.notices.show('Marked handled');
      chat.ui.reports.changed(f.room);
      return;
    }
    const room = roomOf(chat, f);
    if (!room) return;
    room.noteRev(f.rev);
    if (chat.changes.acked(room, f.id)) return;
    const before = room.maxSeq;
    if (room.ack(f.id, f.seq, f.ts) && room.loaded && before && f.seq > before + 1) chat.checkGapSoon(room);
    chat.invalidate();
  },

  edited(chat, f) {
    const room = roomOf(chat, f);
    if (!room || !Number.isInteger(f.seq)) return;
    room.noteRev(f.rev);
    room.edited(f.seq, f.text, f.editedAt);
    chat.invalidate();
  },

  deleted(chat, f) {
    const room = roomOf(chat, f);
    if (!room || !Number.isInteger(f.seq)) return;
    room.noteRev(f.rev);
    room.deleted(f.seq, f.moderated === true);
    chat.invalidate();
  },

  reaction(chat, f) {
    const room = roomOf(chat, f);
    if (!room || !Number.isInteger(f.seq) || typeof f.user !== 'string') return;
    room.noteRev(f.rev);
    room.reacted(f.seq, f.user, f.emoji, f.op === 'add', f.count, chat.me);
    chat.invalidate();
  },

  member(chat, f) {
    const room = roomOf(chat, f);
    if (!room || typeof f.user !== 'string') return;
    room.noteRev(f.rev);
    // Names come as registered; they are compared without regard to case.
    const user = f.user;
    if (f.event === 'invited' && !room.roster.some((u) => sameUser(u, user))) room.roster.push(user);
    if (f.event === 'invited') chat.account.invited(user);
    if (f.event === 'removed') room.roster = room.roster.filter((u) => !sameUser(u, user));
    chat.invalidate();
  },

  left(chat, f) {
    if (typeof f.room !== 'string') return;
    if (f.reason === 'removed') chat.account.removedFrom(f.room);
    else if (f.reason === 'kicked' || f.reason === 'banned') chat.account.putOut(f.room, f.reason, f.note, f.until);
  },

  // A moderation stored in the room: roles and slow mode change what the page shows; kicks and bans arrive as `left`.
  profile(chat, f) {
    chat.profiles.apply(f);
    if (typeof f.user === 'string' && sameUser(f.user, chat.me) && chat.profileSave) {
      chat.profileSave = null;
      chat.ui.profile.saved();
    }
  },

  profiles(chat, f) {
    for (const profile of list(f.profiles)) chat.profiles.apply(profile);
  },

  blocks(chat, f) {
    chat.blocked = new Set(list(f.users).filter((u) => typeof u === 'string').map((u) => u.toLowerCase()));
    chat.invalidate();
  },

  // A member reported a message of a room this user moderates.
  report(chat, f) {
    if (typeof f.room !== 'string' || typeof f.from !== 'string') return;
    const who = typeof f.by === 'string' ? f.by : 'Someone';
    const why = typeof f.reason === 'string' && f.reason ? `: ${f.reason}` : '';
    chat.ui.notices.show(`${who} reported a message from ${f.from} in #${f.room}${why}`);
    chat.ui.reports.changed(f.room);
  },

  // Another moderator handled the reports of a message.
  resolved(chat, f) {
    if (typeof f.room !== 'string' || typeof f.by !== 'string') return;
    chat.ui.notices.show(`${f.by} marked reports in #${f.room} handled`);
    chat.ui.reports.changed(f.room);
  },

  reports(chat, f) {
    chat.ui.reports.show(typeof f.room === 'string' ? f.room : null, list(f.entries));
  },

  suspension(chat, f) {
    if (typeof f.user !== 'string') return;
    chat.ui.notices.show(f.suspended === true ? `${f.user} is suspended` : `${f.user} is no longer suspended`);
  },

  moderation(chat, f) {
    const room = roomOf(chat, f);
    if (!room) return;
    room.noteRev(f.rev);
    if (f.action === 'role' && typeof f.user === 'string' && typeof f.role === 'string') {
      if (f.role === 'member') room.staff.delete(f.user.toLowerCase());
      else room.staff.set(f.user.toLowerCase(), f.role);
      if (sameUser(f.user, chat.me)) room.role = f.role;
    } else if (f.action === 'slowmode' && Number.isInteger(f.seconds)) {
      room.slowmode = f.seconds;
    }
    chat.invalidate();
  },

  presence(chat, f) {
    const room = roomOf(chat, f);
    if (!room || typeof f.user !== 'string') return;
    if (f.event === 'join') room.members.add(f.user);
    else if (f.event === 'leave') {
      room.members.delete(f.user);
      chat.signals.stopTyping(room, f.user);
    }
    chat.invalidate();
  },

  typing(chat, f) {
    const room = roomOf(chat, f);
    if (!room || typeof f.user !== 'string' || sameUser(f.user, chat.me)) return;
    chat.signals.showTyping(room, f.user);
  },

  read(chat, f) {
    const room = roomOf(chat, f);
    if (!room || typeof f.user !== 'string' || !Number.isInteger(f.seq)) return;
    if (sameUser(f.user, chat.me)) {
      // Our own marker, from another tab or device or after a join: where this user left off. Read elsewhere is
      // read here too: the count goes down to what comes after it.
      if (f.seq > room.readSent) {
        const before = room.readSent;
        room.readSent = f.seq;
        if (chat.isShown(room)) room.unread = 0;
        else if (room.loaded && room.list.length && room.minSeq <= f.seq + 1) room.unread = room.unreadAfter(f.seq);
        else room.unread = Math.max(0, room.unread - (f.seq - before));
        // Mentions: counted again from the loaded messages past the marker; past what is loaded, none can be more than unread.
        if (room.unread === 0) room.mentions = 0;
        else if (room.loaded && room.list.length && room.minSeq <= f.seq + 1) room.mentions = mentionsAfter(chat, room, f.seq);
        else room.mentions = Math.min(room.mentions, room.unread);
        if (room.unread === 0) room.attention = false;
        chat.invalidate();
      }
      if (!room.lineKnown) {
        room.lineKnown = true;
        room.lineAfter = f.seq < room.maxSeq ? f.seq : null;
        chat.invalidate();
      }
      return;
    }
    if (f.seq > (room.reads.get(f.user) ?? 0)) {
      room.reads.set(f.user, f.seq);
      chat.invalidate();
    }
  },

  history(chat, f) {
    const room = roomOf(chat, f);
    if (!room) return;
    const messages = list(f.messages);
    // A page of the window opened from a search: known by the seqs it asked for.
    if (room.window?.expects(messages)) {
      const kind = room.window.asked.kind;
      room.takeWindowPage(messages, f.more !== false, chat.me);
      chat.invalidate(kind === 'older' ? { prepended: true } : {});
      chat.revealMessage(room);
      return;
    }
    room.historyBusy = false;
    // A page that does not reach what the live list holds (asked for by a window since closed) is not kept.
    if (messages.length && room.list.length && messages[messages.length - 1].seq < room.minSeq - 1) return;
    for (const m of messages) room.addServerMessage(m, chat.me);
    if (f.more === false || messages.length === 0) room.more = false;
    chat.invalidate({ prepended: true });
  },

  received(chat, f) {
    const room = roomOf(chat, f);
    if (!room || !Number.isInteger(f.seq) || !Number.isInteger(f.count)) return;
    if (f.seq >= room.receivedUpTo) {
      room.receivedUpTo = f.seq;
      room.receivedBy = { count: f.count, users: list(f.users).filter((u) => typeof u === 'string').slice(0, 3) };
    }
    chat.invalidate();
  },

  rooms(chat, f) {
    chat.account.take(list(f.rooms));
  },

  room(chat, f) {
    if (typeof f.room === 'string' && typeof f.change === 'string') chat.account.changed(f.room, f.kind, f.change, f.invitedBy);
  },

  notify(chat, f) {
    const room = roomOf(chat, f);
    if (!room || !['all', 'mentions', 'muted'].includes(f.level)) return;
    room.notify = f.level;
    if (f.level === 'muted') room.attention = false;
    chat.invalidate();
  },

  results(chat, f) {
    if (typeof f.id !== 'string' || f.id !== chat.searching) return;
    chat.searching = null;
    chat.ui.search.show(list(f.results), typeof f.next === 'string' ? f.next : null);
  },

  directory(chat, f) {
    chat.ui.directory.show(typeof f.prefix === 'string' ? f.prefix : '', list(f.rooms), typeof f.next === 'string' ? f.next : null);
  },

  refreshed(chat, f) {
    chat.hooks.onRefreshed?.(f.expiresAt);
  },

  error(chat, f) {
    const code = typeof f.code === 'string' ? f.code : 'internal';
    const ref = typeof f.ref === 'string' ? f.ref : null;
    const detail = typeof f.message === 'string' && f.message ? f.message : '';
    let text = ERROR_TEXT[code] || `Error: ${code}`;
    // A profile change the server refused: its editor says why (a photo named by its id, or a field). The page's own
    // lookups can fail too (unavailable, without a ref): those are not the change's answer.
    const profileCodes = ['bad_frame', 'too_large', 'rate_limited', 'not_found'];
    if (chat.profileSave && (ref === null ? profileCodes.includes(code) : ref === chat.profileSave.avatar)) {
      chat.profileSave = null;
      if (chat.ui.profile.refused(detail || text)) return;
    }
    if (ref && ref === chat.searching) {
      chat.searching = null;
      chat.ui.search.failed(code === 'bad_frame' && detail ? detail : text);
      return;
    }
    // A room typed by name is created if new; one that exists already is joined instead, and nothing is said.
    if (ref && chat.reported.delete(ref)) text = `Could not report the message: ${text}`;
    if (ref && chat.resolving.delete(ref)) text = `Could not mark the reports handled: ${text}`;
    const claimed = ref ? chat.rooms.get(ref) : null;
    if (code === 'conflict' && claimed && !claimed.loaded && claimed.create === 'public') {
      claimed.create = false;
      chat.sendJoin(claimed);
      return;
    }
    if (ref && chat.changes.failed(ref)) {
      text = `Could not change the message: ${text}`;
    } else if (ref && code === 'not_found' && chat.account.directFailed(ref)) {
      text = `No user named ${ref}`;
    } else if (ref && chat.account.inviteFailed(ref)) {
      text = code === 'not_found' ? `No user named ${ref}` : `Could not invite ${ref}`;
    } else if (ref) {
      for (const room of chat.rooms.values()) {
        const msg = room.byId.get(ref);
        if (msg && msg.seq == null) {
          msg.status = 'failed';
          text = `Message not sent: ${text}`;
        }
      }
      const room = chat.rooms.get(ref);
      if (room) chat.account.forgetInvites(room.name);
      if (room && !room.loaded && (code === 'invalid_room' || code === 'forbidden' || code === 'conflict')) {
        text = `Could not join #${ref}: ${text}`;
        chat.leave(ref);
      }
      if (room) {
        room.joining = false;
        room.historyBusy = false; // a failed history request must not stay "Loading…"
        if (room.window) room.window.asked = null;
        if (code === 'unavailable' || code === 'internal') chat.rejoinSoon(room);
      }
    }
    chat.ui.notices.show(detail && detail !== text ? `${text} (${detail})` : text);
    chat.invalidate();
  },
};
