// Login (POST /api/v5/login) and the change of password (POST /api/v5/users/{username}/change_pwd), which the login
// forces while the default password (admin / public, as EMQX) is in use.
import { api, post, session, segment } from '../api.js';
import { h, replace, field } from '../dom.js';
import { errorBox, notify, pageHeader } from '../components.js';

const DEFAULT_USERNAME = 'admin';
const DEFAULT_PASSWORD = 'public';

// The broker says so in its answer (password_change_required, true while the password is dashboard.default_password);
// from a broker that does not, EMQX's own dashboard's rule: the default admin with the default password, or
// EMQX's password_expire_in_seconds run out.
export function mustChangePassword(answer, username, password) {
  if (typeof answer?.password_change_required === 'boolean') return answer.password_change_required;
  if (typeof answer?.password_expire_in_seconds === 'number' && answer.password_expire_in_seconds <= 0) return true;
  return username === DEFAULT_USERNAME && password === DEFAULT_PASSWORD;
}

export function renderLogin(container) {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, value: '' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const problem = h('div', { class: 'form-problem' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Log in');
  const form = h('form', { class: 'card login-card', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Broker dashboard'),
    h('p', { class: 'hint' }, 'Log in with a dashboard user.'),
    field('Username', username),
    field('Password', password),
    problem,
    submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    replace(problem);
    try {
      const answer = await api('POST', '/login', { username: username.value, password: password.value });
      if (mustChangePassword(answer, username.value, password.value)) {
        session.hold(answer.token, username.value);
        renderForcedChange(container, username.value, password.value);
        return;
      }
      session.start(answer.token, username.value);
      location.hash = session.takeReturn();
    } catch (error) {
      replace(problem, errorBox(error.status === 401 ? new Error('Wrong username or password.') : error));
    } finally {
      submit.disabled = false;
    }
  });
  replace(container, h('main', { class: 'login-screen' }, form));
  username.focus();
}

function renderForcedChange(container, username, oldPassword) {
  const holder = h('main', { class: 'login-screen' });
  replace(container, holder);
  passwordForm(holder, {
    username,
    oldPassword,
    title: 'Choose a new password',
    hint: 'This user still has the default password: choose another before going on.',
  });
}

export function renderChangePassword(container) {
  replace(container, pageHeader('Change password'));
  const holder = h('div', { class: 'narrow' });
  container.append(holder);
  passwordForm(holder, { username: session.username, oldPassword: null, title: null, hint: `For ${session.username}.` });
}

function passwordForm(holder, { username, oldPassword, title, hint }) {
  const old = h('input', { name: 'old_pwd', type: 'password', autocomplete: 'current-password', required: true });
  const fresh = h('input', { name: 'new_pwd', type: 'password', autocomplete: 'new-password', required: true, minlength: 8 });
  const again = h('input', { name: 'new_pwd_again', type: 'password', autocomplete: 'new-password', required: true, minlength: 8 });
  const problem = h('div', { class: 'form-problem' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Change password');
  const form = h('form', { class: 'card login-card', 'aria-label': title ?? 'Change password' },
    title ? h('h1', {}, title) : null,
    h('p', { class: 'hint' }, hint),
    oldPassword === null ? field('Current password', old) : null,
    field('New password', fresh),
    field('Repeat the new password', again),
    problem,
    submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    replace(problem);
    if (fresh.value !== again.value) {
      replace(problem, errorBox(new Error('The two new passwords differ.')));
      return;
    }
    const previous = oldPassword ?? old.value;
    if (fresh.value === previous) {
      replace(problem, errorBox(new Error('The new password must differ from the current one.')));
      return;
    }
    submit.disabled = true;
    try {
      await post(`/users/${segment(username)}/change_pwd`, { old_pwd: previous, new_pwd: fresh.value });
      // A change of password may end the user's sessions (EMQX's does): log in again with the new one.
      const answer = await api('POST', '/login', { username, password: fresh.value });
      session.start(answer.token, username);
      notify('Password changed.', 'success');
      location.hash = oldPassword === null ? '#/overview' : session.takeReturn();
    } catch (error) {
      replace(problem, errorBox(error));
    } finally {
      submit.disabled = false;
    }
  });
  holder.append(form);
  (oldPassword === null ? old : fresh).focus();
}
