// Talking to `corridor serve`: the session token and JSON requests.
// Paths are relative to the page, so the map works behind a path prefix too.

const TOKEN_KEY = 'corridor.session';
const WHO_KEY = 'corridor.who';

export class ApiError extends Error {
  constructor(status, code, message, path) {
    super(message);
    this.status = status;
    this.code = code;
    this.path = path;
  }
}

/** Moves a `#session=TOKEN` fragment into sessionStorage and drops it from the address bar. */
export function takeSessionFromUrl() {
  const match = /^#session=([^&]+)$/.exec(location.hash);
  if (!match) return false;
  sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
  sessionStorage.removeItem(WHO_KEY);
  history.replaceState(null, '', location.pathname + location.search);
  return true;
}

export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  get who() {
    try { return JSON.parse(sessionStorage.getItem(WHO_KEY) ?? 'null'); } catch { return null; }
  },
  set(info) {
    sessionStorage.setItem(TOKEN_KEY, info.token);
    sessionStorage.setItem(WHO_KEY, JSON.stringify({ party: info.party, role: info.role, expires: info.expires }));
  },
  /** Who the current token speaks for, as GET /sessions/current says. */
  setWho(who) {
    sessionStorage.setItem(WHO_KEY, JSON.stringify({ party: who.party, role: who.role }));
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(WHO_KEY);
  },
};

/** The absolute path the browser requests for a page-relative path (what a signature covers). */
export function requestTarget(path) {
  const url = new URL(path, document.baseURI);
  return url.pathname + url.search;
}

/**
 * Sends a request and returns its JSON body. Error bodies ({"code","message"})
 * become an ApiError carrying the server's message.
 */
export async function api(path, { method = 'GET', headers = {}, body, auth = true } = {}) {
  const sent = { ...headers };
  const token = session.token;
  if (auth && token) sent.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, { method, headers: sent, body, cache: 'no-store' });
  } catch (err) {
    throw new ApiError(0, 'NetworkError', `cannot reach the service (${err.message})`, path);
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!response.ok) {
    const message = data?.message ?? (text.trim().slice(0, 300) || response.statusText);
    throw new ApiError(response.status, data?.code ?? `HTTP ${response.status}`, message, path);
  }
  if (data === null) throw new ApiError(response.status, 'BadResponse', `${path}: the answer is not JSON`, path);
  return data;
}
