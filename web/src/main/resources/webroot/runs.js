// The list of agent runs, newest first: filters, paging, and live updates pushed over the
// websocket (the run-list scope, {"op":"subscribe","runs":true}): no polling. Plain ES module.
import { api, live, el, link, duration, money, when, statusBadge } from '/common.js';

const PAGE = 20;
const body = document.querySelector('#runs tbody');
const status = document.getElementById('status');
const form = document.getElementById('filters');
const older = document.getElementById('older');
const newer = document.getElementById('newer');
const pageLabel = document.getElementById('page');
const FIELDS = ['q', 'agentId', 'sessionId', 'status', 'model', 'from', 'to'];

let cursors = [null]; // cursors[i] opens page i
let page = 0;
let next = null;
let fresh = 0; // live updates seen while not on the first page

document.getElementById('open').addEventListener('submit', (e) => {
  e.preventDefault();
  location.href = '/traces/' + encodeURIComponent(document.getElementById('trace').value.trim());
});

function filters() {
  const f = {};
  for (const name of FIELDS) {
    const v = form.elements[name].value.trim();
    if (v) f[name] = name === 'from' || name === 'to' ? new Date(v).toISOString() : v;
  }
  return f;
}

function fromUrl() {
  const p = new URLSearchParams(location.search);
  for (const name of FIELDS) {
    const v = p.get(name);
    if (!v) continue;
    if (name === 'from' || name === 'to') {
      const d = new Date(v);
      if (!isNaN(d)) form.elements[name].value = new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
    } else form.elements[name].value = v;
  }
}

function row(t) {
  const tr = el('tr', 'run ' + t.status);
  tr.dataset.traceId = t.traceId;
  const cell = (content, className) => {
    const td = el('td', className);
    if (content instanceof Node) td.append(content); else td.textContent = content ?? '';
    tr.append(td);
  };
  const started = el('time', null, when(t.start));
  started.dateTime = t.start;
  cell(started, 'nowrap');
  const run = link('/traces/' + t.traceId, t.prompt || '(no prompt yet)', 'prompt');
  cell(run, 'runcell');
  cell(t.agentId ? link('/agents/' + encodeURIComponent(t.agentId), t.agentName || t.agentId) : (t.agentName || ''), 'ident');
  const session = t.sessionId ? link('/sessions/' + encodeURIComponent(t.sessionId), t.sessionId.length > 18 ? t.sessionId.slice(0, 18) + '…' : t.sessionId) : '';
  if (session) session.title = t.sessionId;
  cell(session, 'ident');
  cell(statusBadge(t.status, t.stopReason));
  cell(duration(t.durationMs), 'num');
  cell(t.usage ? String(t.usage.inputTokens + t.usage.outputTokens) : '', 'num');
  cell(money(t.cost, t.currency), 'num cost');
  cell((t.models || []).join(', '), 'models');
  return tr;
}

async function load() {
  const f = filters();
  const params = new URLSearchParams({ ...f, limit: String(PAGE) });
  if (cursors[page]) params.set('cursor', cursors[page]);
  const shown = new URLSearchParams(f).toString();
  history.replaceState(null, '', location.pathname + (shown ? '?' + shown : ''));
  try {
    const result = await api('/api/traces?' + params);
    body.replaceChildren(...result.traces.map(row));
    next = result.nextCursor;
    cursors[page + 1] = next;
    older.disabled = !next;
    newer.disabled = page === 0;
    pageLabel.textContent = `page ${page + 1}`;
    const filtered = Object.keys(f).length > 0;
    status.textContent = result.traces.length
      ? (result.partial ? `Showing the matches among the ${result.scanned} runs searched; “Older” searches further.` : '')
      : filtered ? (next ? `No match among the ${result.scanned} runs searched; “Older” searches further.` : 'No run matches these filters.')
        : 'No runs yet. Start your agent and they show up here.';
    document.body.dataset.loaded = String(Date.now());
  } catch (e) {
    status.textContent = e.message;
  }
}

let timer = null;
function liveUpdate(frame) {
  const f = filters();
  if (f.agentId && frame.agentId && frame.agentId !== f.agentId) return;
  if (f.sessionId && frame.sessionId && frame.sessionId !== f.sessionId) return;
  if (page !== 0) {
    fresh++;
    status.textContent = `${fresh} run${fresh === 1 ? '' : 's'} changed since this page was loaded: “Newer” goes back to the newest.`;
    return;
  }
  clearTimeout(timer);
  timer = setTimeout(load, 250); // several steps of one run in a moment: one reload
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  cursors = [null];
  page = 0;
  load();
});
form.addEventListener('reset', () => setTimeout(() => { cursors = [null]; page = 0; load(); }, 0));
older.addEventListener('click', () => { if (next) { page++; load(); } });
newer.addEventListener('click', () => { if (page > 0) { page--; if (page === 0) fresh = 0; load(); } });

fromUrl();
load().then(() => live((ws) => ws.send(JSON.stringify({ op: 'subscribe', id: 'runs', runs: true })), (frame) => {
  if (frame.type === 'run') liveUpdate(frame);
  else if (frame.type === 'synced') {
    if (document.body.dataset.live && page === 0) load(); // reconnected: what changed meanwhile
    document.body.dataset.live = 'true';
  }
}));
