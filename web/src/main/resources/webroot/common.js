// Shared by the viewer pages: the API key (only needed when the server has keys configured).
// A key given once in the page's fragment, /#key=..., is kept in this browser's local storage and
// removed from the address bar and history at once. Keys never go into a URL the server sees:
// REST calls send Authorization, the websocket the bearer subprotocol (README, "Websocket").

const fragment = new URLSearchParams(location.hash.slice(1));
if (fragment.get('key')) {
  localStorage.setItem('tracebridge.key', fragment.get('key'));
  history.replaceState(null, '', location.pathname + location.search);
}
export const key = localStorage.getItem('tracebridge.key');

export function link(path) {
  return path;
}

export async function api(path) {
  const response = await fetch(path, { headers: key ? { Authorization: 'Bearer ' + key } : {} });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

export function socketUrl() {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

// The websocket's subprotocols: tracebridge.v1, which the server echoes, and with a key
// tracebridge.bearer.<base64url of the key>, which carries it (a subprotocol must be a plain token).
export function socketProtocols() {
  if (!key) return ['tracebridge.v1'];
  const bytes = new TextEncoder().encode(key);
  const encoded = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return ['tracebridge.v1', 'tracebridge.bearer.' + encoded];
}
