// A photo for the next message: picked with the button, dropped on the conversation or pasted into the box;
// shown as a preview while it uploads (with its progress), and ready once the server has checked and stored it.

import { byTestId, setText } from './dom.js';

const TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
const UPLOAD_ERRORS = {
  unsupported_type: 'That file is not a photo the server takes (PNG, JPEG, GIF or WebP)',
  too_large: 'That photo is too large (5 MiB at most)',
  quota_exceeded: 'You have no room left for photos',
  unavailable: 'The server is busy — try the photo again in a moment',
};

/**
 * @param {object} actions changed() when the photo's state changes, failed(text) when an upload is refused,
 *   canAttach() -> bool (a room is open)
 */
export function createAttacher(actions) {
  const form = document.querySelector('form.composer');
  const button = byTestId('attach-button', form);
  const input = byTestId('attach-input', form);
  const preview = byTestId('attachment-preview', form);
  const image = preview.querySelector('img');
  const label = preview.querySelector('.attachment-name');
  const progress = byTestId('upload-progress', preview);
  const remove = byTestId('attachment-remove', preview);
  let upload = null; // { xhr, url, attachment, done }

  function clear() {
    if (upload) {
      if (!upload.done) upload.xhr.abort();
      URL.revokeObjectURL(upload.url);
    }
    upload = null;
    preview.hidden = true;
    image.removeAttribute('src');
    input.value = '';
    actions.changed();
  }

  function start(file) {
    if (!file || !actions.canAttach()) return;
    clear();
    const xhr = new XMLHttpRequest();
    const url = URL.createObjectURL(file);
    const current = { xhr, url, attachment: null, done: false };
    upload = current;
    image.src = url;
    image.alt = `Photo to send: ${file.name || 'pasted image'}`;
    setText(label, file.name || 'Pasted image');
    progress.value = 0;
    progress.hidden = false;
    preview.hidden = false;
    xhr.upload.addEventListener('progress', (ev) => {
      if (ev.lengthComputable) progress.value = ev.loaded / ev.total;
    });
    xhr.addEventListener('loadend', () => {
      if (upload !== current) return;
      current.done = true;
      progress.hidden = true;
      let body = null;
      try {
        body = JSON.parse(xhr.responseText || 'null');
      } catch {
        body = null;
      }
      if (xhr.status === 201 && body && typeof body.id === 'string') {
        current.attachment = body;
        actions.changed();
        return;
      }
      const code = body && typeof body.error === 'string' ? body.error : xhr.status === 413 ? 'too_large' : 'unavailable';
      // The server says how long until it takes another photo of this user.
      const wait = Number.parseInt(xhr.getResponseHeader('Retry-After') || '', 10);
      clear();
      actions.failed(code === 'rate_limited'
        ? `Too many photos at once — try again in ${Number.isFinite(wait) && wait > 0 ? `${wait} s` : 'a moment'}`
        : UPLOAD_ERRORS[code] || `The photo could not be sent (${code})`);
    });
    const data = new FormData();
    data.append('file', file, file.name || 'pasted-image');
    xhr.open('POST', '/api/attachments');
    xhr.send(data);
    actions.changed();
  }

  button.addEventListener('click', () => input.click());
  input.addEventListener('change', () => start(input.files?.[0]));
  remove.addEventListener('click', clear);

  // A photo dropped anywhere on the conversation, or pasted into the message box.
  const main = document.querySelector('.main');
  main.addEventListener('dragover', (ev) => {
    if (!actions.canAttach() || ![...(ev.dataTransfer?.items || [])].some((i) => i.kind === 'file')) return;
    ev.preventDefault();
    main.classList.add('dropping');
  });
  main.addEventListener('dragleave', (ev) => {
    if (!main.contains(ev.relatedTarget)) main.classList.remove('dropping');
  });
  main.addEventListener('drop', (ev) => {
    main.classList.remove('dropping');
    const file = [...(ev.dataTransfer?.files || [])][0];
    if (!file) return;
    ev.preventDefault();
    start(file);
  });
  byTestId('composer', form).addEventListener('paste', (ev) => {
    const file = [...(ev.clipboardData?.files || [])].find((f) => TYPES.includes(f.type));
    if (!file) return;
    ev.preventDefault();
    start(file);
  });

  return {
    /** The uploaded photo ready to go with the next message, or null. */
    ready: () => upload?.attachment ?? null,
    /** True while a photo is still uploading: the message waits for it. */
    uploading: () => Boolean(upload && !upload.done),
    /** The picture to show for an own message until the server's copy is there. */
    localUrl: () => upload?.url ?? null,
    /** The photo went with a message: the preview goes, the picture stays for that message. */
    sent() {
      upload = null;
      preview.hidden = true;
      image.removeAttribute('src');
      input.value = '';
      actions.changed();
    },
    setEnabled(enabled) {
      button.disabled = !enabled;
      if (!enabled) clear();
    },
    clear,
  };
}
