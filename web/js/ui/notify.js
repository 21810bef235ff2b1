// Browser notifications for messages that mention the user or arrive in a direct conversation, while the page is
// not in front of them. The browser asks the user once, from the bell button; nothing is shown without consent.

const supported = () => typeof window.Notification === 'function';

/** Wires the bell button: it asks for permission and shows whether notifications are on. */
export function initNotifications(button) {
  if (!supported()) return;
  button.hidden = false;
  const sync = () => button.setAttribute('aria-pressed', String(Notification.permission === 'granted'));
  sync();
  button.addEventListener('click', async () => {
    if (Notification.permission === 'default') await Notification.requestPermission();
    sync();
  });
}

/** Shows a notification when the user allowed them; clicking it brings the page and the room forward. */
export function notify(title, body, tag, onClick) {
  if (!supported() || Notification.permission !== 'granted') return;
  const shown = new Notification(title, { body, tag });
  shown.onclick = () => {
    window.focus();
    onClick();
    shown.close();
  };
}
