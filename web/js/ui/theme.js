// The colour scheme: the system's unless the user picked light or dark, which this browser remembers.

const KEY = 'actorchat:theme';
const ORDER = ['system', 'light', 'dark'];
const ICON = { system: '◐', light: '☀', dark: '☾' };
const LABEL = { system: 'Theme: as the system', light: 'Theme: light', dark: 'Theme: dark' };

/** Applies the remembered theme; the button, if given, cycles system, light and dark. */
export function initTheme(button) {
  let theme = read();
  apply(theme);
  button?.addEventListener('click', () => {
    theme = ORDER[(ORDER.indexOf(theme) + 1) % ORDER.length];
    try {
      localStorage.setItem(KEY, theme);
    } catch {
      // Storage disabled: the choice holds until the page is left.
    }
    apply(theme);
  });

  function apply(value) {
    if (value === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = value;
    if (!button) return;
    button.textContent = ICON[value];
    button.title = LABEL[value];
    button.setAttribute('aria-label', LABEL[value]);
    button.dataset.theme = value;
  }
}

function read() {
  try {
    const value = localStorage.getItem(KEY);
    return ORDER.includes(value) ? value : 'system';
  } catch {
    return 'system';
  }
}
