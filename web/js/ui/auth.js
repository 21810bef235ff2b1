// The sign-in / create-account card.

import { byTestId } from './dom.js';
import { authErrorText, checkCredentials } from '../validate.js';

/**
 * @param {object} actions  signIn(username, password) and register(username, password),
 *   each resolving to { ok } or { ok:false, code, status }.
 */
export function createAuthView(actions) {
  const screen = document.getElementById('auth-screen');
  const form = document.getElementById('auth-form');
  const username = byTestId('username', form);
  const password = byTestId('password', form);
  const signInButton = byTestId('sign-in', form);
  const registerButton = byTestId('register', form);
  const error = byTestId('auth-error', form);
  let busy = false;

  function showError(text) {
    error.textContent = text;
    error.hidden = !text;
    form.classList.toggle('has-error', Boolean(text));
  }

  function setBusy(value, which) {
    busy = value;
    signInButton.disabled = value;
    registerButton.disabled = value;
    form.setAttribute('aria-busy', String(value));
    signInButton.classList.toggle('working', value && which === 'signIn');
    registerButton.classList.toggle('working', value && which === 'register');
  }

  async function run(which) {
    if (busy) return;
    const name = username.value.trim();
    const pass = password.value;
    const problem = checkCredentials(name, pass, which === 'register');
    if (problem) {
      showError(problem);
      (name ? password : username).focus();
      return;
    }
    showError('');
    setBusy(true, which);
    const result = await actions[which](name, pass);
    setBusy(false);
    if (!result.ok) {
      showError(authErrorText(result.code, result.status, result.retryAfter));
      if (result.code === 'invalid_username' || result.code === 'username_taken') username.focus();
      else password.focus();
    }
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    run('signIn');
  });
  registerButton.addEventListener('click', () => run('register'));
  for (const input of [username, password]) input.addEventListener('input', () => error.hidden || showError(''));

  return {
    show(message = '') {
      screen.hidden = false;
      password.value = '';
      showError(message);
      setBusy(false);
      (username.value ? password : username).focus();
    },
    hide() {
      screen.hidden = true;
      showError('');
    },
  };
}
