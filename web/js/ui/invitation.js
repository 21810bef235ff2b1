// An invitation not taken up yet: who invited the user to the open room, and the choice to join it or decline.

import { byTestId, setText } from './dom.js';

/** @param {object} actions accept(name), decline(name) */
export function createInvitationView(actions) {
  const main = document.querySelector('.main');
  const panel = byTestId('invitation', main);
  const text = byTestId('invitation-text', panel);
  let shown = null;

  byTestId('invitation-accept', panel).addEventListener('click', () => shown && actions.accept(shown));
  byTestId('invitation-decline', panel).addEventListener('click', () => shown && actions.decline(shown));

  return {
    /** room: a Room or null */
    render(room) {
      const invitation = room && room.invitedBy ? room : null;
      main.classList.toggle('invitation-open', Boolean(invitation));
      panel.hidden = !invitation;
      shown = invitation ? invitation.name : null;
      if (invitation) setText(text, `${invitation.invitedBy} invited you to #${invitation.name}.`);
    },
  };
}
