// The login page: username and password; a second-factor field appears when the server
// answers mfa_required, and the server's message is shown next to the field it names.
import type { Api } from '../api';
import { ApiError } from '../api';
import { field, h, setFieldError } from '../dom';
import type { User } from '../types';

export function loginView(api: Api, onLoggedIn: (user: User) => void): HTMLElement {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, autofocus: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const mfa = h('input', { name: 'mfa_token', inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9]{6}' });
  const mfaField = field('Authentication code', mfa);
  mfaField.hidden = true;
  const message = h('p', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');

  const fields: Record<string, HTMLInputElement> = { username, password, mfa_token: mfa };
  const form = h(
    'form',
    {
      class: 'login-form',
      'aria-label': 'Sign in',
      novalidate: true,
      onsubmit: async (e: Event) => {
        e.preventDefault();
        message.textContent = '';
        for (const c of Object.values(fields)) setFieldError(c, '');
        if (!username.value) return setFieldError(username, 'Enter your username');
        if (!password.value) return setFieldError(password, 'Enter your password');
        submit.disabled = true;
        try {
          const user = await api.login(username.value.trim(), password.value, mfaField.hidden ? undefined : mfa.value.trim());
          onLoggedIn(user);
        } catch (err) {
          if (err instanceof ApiError && (err.code === 'mfa_required' || err.code === 'invalid_mfa_token')) {
            mfaField.hidden = false;
            setFieldError(mfa, err.code === 'mfa_required' ? 'Enter the 6-digit code from your authenticator' : err.message);
            mfa.focus();
          } else if (err instanceof ApiError && err.field && fields[err.field]) {
            setFieldError(fields[err.field], err.message);
          } else if (err instanceof ApiError && err.code === 'invalid_credentials') {
            message.textContent = 'Wrong username or password';
          } else if (err instanceof ApiError && err.code === 'too_many_attempts') {
            message.textContent = 'Too many attempts: wait a minute and try again';
          } else {
            message.textContent = err instanceof Error ? err.message : String(err);
          }
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('div', { class: 'brand brand-large' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), 'Alphintra'),
    h('h1', null, 'Sign in'),
    field('Username', username),
    field('Password', password),
    mfaField,
    message,
    submit,
  );
  return h('main', { class: 'login-page' }, form);
}
