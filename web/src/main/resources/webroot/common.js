// Shared by the viewer pages: the API key, REST calls, the websocket, and formatting.
// The key (only needed when the server has keys configured) is asked for once, when the server
// first answers 401, and kept in this tab's sessionStorage (gone when the tab closes). A key given
// in the page's fragment, /#key=..., is kept the same way and removed from the address bar at once.
// Keys never go into a URL the server sees: REST calls send Authorization, the websocket the
// bearer subprotocol (web README, "Authentication").

const KEY = 'tracebridge.key';
const fragment = new URLSearchParams(location.hash.slice(1));
if (fragment.get('key')) {
  sessionStorage.setItem(KEY, fragment.get('key'));
  history.replaceState(null, '', location.pathname + location.search);
}

export function currentKey() {
  return sessionStorage.getItem(KEY);
}

let asking = null;

/** Shows the key dialog (once, however many calls are waiting) and resolves with the key typed. */
function askForKey(message) {
  if (asking) return asking;
  asking = new Promise((resolve) => {
    const dialog = el('dialog', 'keydialog');
    dialog.setAttribute('aria-labelledby', 'keytitle');
    const form = el('form');
    form.method = 'dialog';
    const title = el('h2', null, 'This server needs an API key');
    title.id = 'keytitle';
    const why = el('p', 'muted', message || 'Enter the key you were given. It is kept for this tab only.');
    const label = el('label', null, 'API key');
    label.htmlFor = 'apikey';
    const input = el('input');
    input.id = 'apikey';
    input.type = 'password';
    input.required = true;
    input.autocomplete = 'off';
    const ok = el('button', null, 'Use this key');
    ok.type = 'submit';
    form.append(title, why, label, input, ok);
    dialog.append(form);
    document.body.append(dialog);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const key = input.value.trim();
      if (!key) return;
      sessionStorage.setItem(KEY, key);
      dialog.close();
      dialog.remove();
      asking = null;
      resolve(key);
    });
    dialog.addEventListener('cancel', (e) => e.preventDefault()); // nothing works without it
    dialog.showModal();
    input.focus();
  });
  return asking;
}

/** A REST call: JSON back, or an Error with the server's message and .status. Asks for a key on 401. */
export async function api(path) {
  for (let attempt = 0; ; attempt++) {
    const key = currentKey();
    const response = await fetch(path, { headers: key ? { Authorization: 'Bearer ' + key } : {} });
    if (response.status === 401 && attempt < 5) {
      sessionStorage.removeItem(KEY);
      await askForKey(attempt === 0 ? null : 'That key was not accepted. Try again.');
      continue;
    }
    let body = {};
    try { body = await response.json(); } catch { /* not JSON */ }
    if (!response.ok) {
      const error = new Error(body.error || response.statusText);
      error.status = response.status;
      throw error;
    }
    return body;
  }
}

export function socketUrl() {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

// The websocket's subprotocols: tracebridge.v1, which the server echoes, and with a key
// tracebridge.bearer.<base64url of the key>, which carries it (a subprotocol must be a plain token).
export function socketProtocols() {
  const key = currentKey();
  if (!key) return ['tracebridge.v1'];
  const bytes = new TextEncoder().encode(key);
  const encoded = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return ['tracebridge.v1', 'tracebridge.bearer.' + encoded];
}

/**
 * Keeps a websocket open: onOpen(ws) subscribes, onFrame(frame) handles each frame; reconnects
 * after a close (sooner once it had worked). Returns nothing; the page lives as long as it.
 */
export function live(onOpen, onFrame) {
  let worked = false;
  function connect() {
    const ws = new WebSocket(socketUrl(), socketProtocols());
    ws.addEventListener('open', () => { worked = true; onOpen(ws); });
    ws.addEventListener('message', (e) => onFrame(JSON.parse(e.data), ws));
    ws.addEventListener('close', () => setTimeout(connect, worked ? 500 : 2000));
  }
  connect();
}

export function el(tag, className, content) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (content !== undefined && content !== null) e.textContent = content;
  return e;
}

export function link(href, text, className) {
  const a = el('a', className, text);
  a.href = href;
  return a;
}

/** "calculate (mytarget)" for an AgentCore Gateway name mytarget___calculate; other names as they are. */
export function toolLabel(name) {
  if (!name) return 'a tool';
  const at = name.indexOf('___');
  return at > 0 ? `${name.slice(at + 3)} (${name.slice(0, at)})` : name;
}

export function duration(ms) {
  if (ms === undefined || ms === null) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const SYMBOLS = { USD: '$', EUR: '€', GBP: '£' };

/** A cost as billing states it (6 decimals), shown with up to 6 significant decimals. */
export function money(cost, currency) {
  if (cost === undefined) return '';
  if (cost === null) return 'no price for this model';
  const n = Number(cost);
  const s = SYMBOLS[currency] || (currency ? currency + ' ' : '');
  const digits = n === 0 ? 2 : n < 0.01 ? 6 : n < 1 ? 4 : 2;
  return s + n.toFixed(digits);
}

export function tokens(u) {
  if (!u) return '';
  const parts = [`${u.inputTokens} tokens in`, `${u.outputTokens} out`];
  if (u.cacheReadTokens) parts.push(`${u.cacheReadTokens} from cache`);
  if (u.cacheWriteTokens) parts.push(`${u.cacheWriteTokens} written to cache`);
  if (u.reasoningTokens) parts.push(`${u.reasoningTokens} thinking`);
  return parts.join(' · ');
}

export function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

export const STATUS_WORDS = {
  running: 'running',
  finished: 'finished',
  stopped: 'stopped early',
  error: 'failed',
};

export function statusBadge(status, stopReason) {
  const b = el('span', 'badge ' + (status || 'running'), STATUS_WORDS[status] || status || 'running');
  if (stopReason && status !== 'running') b.title = 'stop reason: ' + stopReason;
  return b;
}

/** A definition list from [term, value] pairs; a value may be a string or an element. */
export function facts(pairs) {
  const dl = el('dl', 'facts');
  for (const [term, value] of pairs) {
    if (value === undefined || value === null || value === '') continue;
    const d = el('div');
    d.append(el('dt', null, term));
    const dd = el('dd');
    if (value instanceof Node) dd.append(value); else dd.textContent = value;
    d.append(dd);
    dl.append(d);
  }
  return dl;
}
