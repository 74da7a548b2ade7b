// The broker's HTTP API (/api/v5, EMQX 5's shapes) as the pages call it: the login's bearer token on every request,
// EMQX's error body ({"code","message"}) turned into an ApiError, and a 401 sending the user back to the login page.

const TOKEN_KEY = 'broker.dashboard.token';
const USER_KEY = 'broker.dashboard.username';
const RETURN_KEY = 'broker.dashboard.return';

// A login whose password must change first: its token serves that change only, in memory, never stored for the pages
// (a reload or a typed address finds no session and asks to log in, and so to change it, again).
let held = null;

// sessionStorage, not localStorage: the token ends with the tab, and no other tab of this origin reads it later.
export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY) ?? held?.token ?? null; },
  get username() { return sessionStorage.getItem(USER_KEY) ?? held?.username ?? null; },
  // Whether the pages may be shown: a held login is not a session.
  get active() { return sessionStorage.getItem(TOKEN_KEY) !== null; },
  start(token, username) {
    held = null;
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(USER_KEY, username);
  },
  hold(token, username) {
    held = { token, username };
  },
  end() {
    held = null;
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
  },
  // Where to go back to after logging in again.
  rememberReturn(hash) {
    if (hash && !hash.startsWith('#/login')) sessionStorage.setItem(RETURN_KEY, hash);
  },
  takeReturn() {
    const hash = sessionStorage.getItem(RETURN_KEY);
    sessionStorage.removeItem(RETURN_KEY);
    return hash || '#/overview';
  },
};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function withQuery(path, query) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(`/api/v5${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'same-origin',
    });
  } catch (e) {
    throw new ApiError(0, 'UNREACHABLE', `The broker did not answer: ${e.message}`);
  }
  const text = await response.text();
  const json = parse(text);
  if (response.status === 401 && path !== '/login') {
    session.rememberReturn(location.hash);
    session.end();
    location.hash = '#/login';
    throw new ApiError(401, json?.code ?? 'UNAUTHORIZED', 'The session has ended: log in again.');
  }
  if (!response.ok) {
    throw new ApiError(response.status, json?.code ?? `HTTP_${response.status}`, json?.message ?? (text || response.statusText));
  }
  return json;
}

export const get = (path, query) => api('GET', withQuery(path, query));
export const post = (path, body) => api('POST', path, body ?? {});
export const del = (path) => api('DELETE', path);

// A path segment that may hold '#', '+' or spaces (client ids, names).
export const segment = (value) => encodeURIComponent(value);

// A topic at the end of a path (the broker's {**topic} routes): its levels stay apart, since a server keeps an encoded
// '/' (%2F) as it is in the path rather than as a separator.
export const topicPath = (topic) => String(topic).split('/').map(encodeURIComponent).join('/');

// EMQX answers a list either as {"data": [...], "meta": {...}} (paged) or as a bare array (nodes, API keys).
export function listOf(answer) {
  if (Array.isArray(answer)) return { data: answer, meta: null };
  return { data: answer?.data ?? [], meta: answer?.meta ?? null };
}

function parse(text) {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
