// The profile editor: the user's display name, status and photo. The photo is uploaded as an avatar (the server
// cuts it square) when Save is pressed; the dialog closes once the server has stored the profile (`profile`).

import { byTestId, setText, avatar } from './dom.js';

const UPLOAD_ERRORS = {
  unsupported_type: 'That file is not a photo the server takes (PNG, JPEG, GIF or WebP)',
  too_large: 'That photo is too large',
  quota_exceeded: 'Your photos use all the space you have',
  rate_limited: 'Too many photos at once — try again in a moment',
};

/**
 * @param {object} actions  me() -> username, profile() -> the user's profile or null, save(fields) -> true when sent,
 *   canEdit() -> whether the server keeps profiles
 */
export function createProfileEditor(actions) {
  const dialog = byTestId('profile-editor');
  const form = dialog.querySelector('form');
  const name = byTestId('profile-name', dialog);
  const status = byTestId('profile-status', dialog);
  const file = byTestId('profile-avatar-file', dialog);
  const remove = byTestId('profile-avatar-remove', dialog);
  const preview = byTestId('profile-preview', dialog);
  const message = byTestId('profile-message', dialog);
  const save = byTestId('profile-save', dialog);
  let chosen = null; // { file, url } of a new photo, not uploaded yet
  let removing = false;
  let waiting = false; // saved: the server's answer closes the dialog
  let opened = 0; // counts the dialog's openings, so an upload finishing after a close saves nothing

  function showPreview() {
    const me = actions.me();
    const node = avatar(me, 'huge');
    // The preview is of the dialog's own state, not the profile's: it leaves the page's sweeps alone.
    delete node.dataset.avatarOf;
    const current = actions.profile()?.avatar?.thumbnailUrl ?? null;
    const url = chosen ? chosen.url : removing ? null : current;
    node.classList.toggle('has-photo', Boolean(url));
    node.style.backgroundImage = url ? `url("${url}")` : '';
    preview.replaceChildren(node);
    remove.hidden = !url;
  }

  function forget() {
    if (chosen) URL.revokeObjectURL(chosen.url);
    chosen = null;
    removing = false;
    waiting = false;
    file.value = '';
  }

  function busy(on, text = '') {
    save.disabled = on;
    setText(message, text);
  }

  async function uploadAvatar(photo) {
    const data = new FormData();
    data.append('file', photo, photo.name || 'avatar');
    try {
      const res = await fetch('/api/attachments?purpose=avatar', { method: 'POST', body: data, credentials: 'same-origin' });
      const body = await res.json().catch(() => null);
      if (res.status === 201 && typeof body?.id === 'string') return { id: body.id };
      return { error: UPLOAD_ERRORS[body?.error] || `The photo could not be uploaded (${body?.error || res.status})` };
    } catch {
      return { error: 'The photo could not be uploaded — check the connection and try again' };
    }
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (waiting || save.disabled) return;
    const fields = { name: name.value.trim() || null, status: status.value.trim() || null };
    if (removing) fields.avatar = null;
    if (chosen) {
      busy(true, 'Uploading the photo…');
      const session = opened;
      const uploaded = await uploadAvatar(chosen.file);
      // Closed (or opened again) meanwhile: the change was given up.
      if (session !== opened || !dialog.open) return;
      if (!uploaded.id) {
        busy(false, uploaded.error);
        return;
      }
      fields.avatar = uploaded.id;
    }
    busy(true, 'Saving…');
    waiting = true;
    if (!actions.save(fields)) {
      waiting = false;
      busy(false, 'Not connected — try again in a moment');
    }
  });
  file.addEventListener('change', () => {
    const photo = file.files?.[0];
    if (!photo) return;
    if (chosen) URL.revokeObjectURL(chosen.url);
    chosen = { file: photo, url: URL.createObjectURL(photo) };
    removing = false;
    showPreview();
  });
  remove.addEventListener('click', () => {
    if (chosen) URL.revokeObjectURL(chosen.url);
    chosen = null;
    removing = true;
    file.value = '';
    showPreview();
  });
  byTestId('profile-close').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', forget);
  document.querySelector('[data-testid="profile-open"]').addEventListener('click', () => {
    if (!actions.canEdit()) return;
    opened += 1;
    forget();
    const profile = actions.profile();
    name.value = profile?.name ?? '';
    status.value = profile?.status ?? '';
    busy(false);
    showPreview();
    dialog.showModal();
    name.focus();
  });

  return {
    /** The server stored the user's profile: a save waiting for it is done. */
    saved() {
      if (!waiting) return;
      busy(false);
      dialog.close();
    },
    /** The server refused the change (a photo it would not take as an avatar, say). */
    refused(text) {
      if (!waiting) return false;
      waiting = false;
      busy(false, text);
      return true;
    },
  };
}
