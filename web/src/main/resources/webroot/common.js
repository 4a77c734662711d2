// Shared by the viewer pages: the API key (only needed when the server has keys configured).
// A key given once as ?key=... is kept in this browser's local storage.

const params = new URLSearchParams(location.search);
if (params.get('key')) localStorage.setItem('tracebridge.key', params.get('key'));
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
  const base = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  return key ? base + '?access_token=' + encodeURIComponent(key) : base;
}
