// The live timeline of one agent run (/traces/{id}) or of every run of a session
// (/sessions/{id}): subscribes on /ws and shows each step in words a person can follow.
// No framework, no build step, nothing fetched from outside this server.
import { socketProtocols, socketUrl } from '/common.js';

const STEPS = {
  prompt: { label: 'You asked' },
  model_request: { label: 'Sent to the model' },
  model_response: { label: 'The model replied' },
  reasoning: { label: 'Thinking' },
  tool_request: { label: 'Used a tool' },
  tool_response: { label: 'The tool returned' },
  response: { label: 'Answer' },
  error: { label: 'Something went wrong' },
};

const [, kind, rawId] = location.pathname.split('/');
const scope = kind === 'sessions' ? 'sessionId' : kind === 'agents' ? 'agentId' : 'traceId';
const scopeId = decodeURIComponent(rawId || '');
const timeline = document.getElementById('timeline');
const summary = document.getElementById('summary');
document.getElementById('title').textContent =
  scope === 'traceId' ? 'agent run' : scope === 'sessionId' ? 'session ' + scopeId : 'agent ' + scopeId;

const steps = new Map(); // recordId -> {record, element}
const runs = new Map(); // traceId -> section element
let cursor = null; // resume position: the cursor of the last frame read
let synced = false;

function el(tag, className, content) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (content !== undefined) e.textContent = content;
  return e;
}

function pretty(text) {
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
}

function tokens(u) {
  const parts = [`${u.inputTokens} tokens in`, `${u.outputTokens} out`];
  if (u.cacheReadTokens) parts.push(`${u.cacheReadTokens} from cache`);
  if (u.reasoningTokens) parts.push(`${u.reasoningTokens} thinking`);
  return parts.join(' · ');
}

function render(r) {
  const step = STEPS[r.type] || { label: r.type };
  const li = el('li', 'step ' + r.type);
  li.dataset.recordId = r.recordId;
  li.dataset.type = r.type;
  const head = el('div', 'head');
  head.append(el('span', 'label', step.label));
  if (r.tool && r.tool.name) head.append(el('span', 'tool', r.tool.name));
  if (r.type.startsWith('model') && r.model) head.append(el('span', 'model', r.model));
  if (r.durationMs) head.append(el('span', 'took', `${r.durationMs} ms`));
  head.append(el('time', null, new Date(r.timestamp).toLocaleTimeString()));
  li.append(head);
  if (r.text) li.append(el('p', 'text', r.text));
  if (r.tool && r.tool.input) {
    li.append(el('div', 'caption', 'with'), el('pre', 'input', pretty(r.tool.input)));
  }
  if (r.tool && r.tool.output) {
    li.append(el('div', 'caption', r.tool.status === 'error' ? 'failed with' : 'result'), el('pre', 'output', pretty(r.tool.output)));
  }
  if (r.error) li.append(el('p', 'error', r.error.message || r.error.type));
  if (r.usage && r.type === 'model_response') li.append(el('p', 'tokens', tokens(r.usage)));
  if (r.truncated) li.append(el('p', 'muted', 'Shortened: the original was too large to keep whole.'));
  return li;
}

function section(traceId) {
  let s = runs.get(traceId);
  if (!s) {
    s = el('section', 'run');
    s.dataset.traceId = traceId;
    if (scope !== 'traceId') {
      const h = el('h2', null);
      const a = el('a', null, 'Run ' + traceId.slice(0, 8));
      a.href = '/traces/' + traceId;
      h.append(a);
      s.append(h);
    }
    s.append(el('ol', 'timeline'));
    timeline.append(s);
    runs.set(traceId, s);
  }
  return s.querySelector('ol');
}

function place(r) {
  const existing = steps.get(r.recordId);
  const element = render(r);
  steps.set(r.recordId, { record: r, element });
  if (existing) {
    existing.element.replaceWith(element);
  } else {
    const list = section(r.traceId);
    // keep each run in time order even when records arrive out of order
    const after = [...list.children].find((li) => steps.get(li.dataset.recordId).record.timestamp > r.timestamp);
    list.insertBefore(element, after || null);
  }
  updateSummary();
}

function updateSummary() {
  let input = 0;
  let output = 0;
  let calls = 0;
  let answered = false;
  let failed = false;
  for (const { record } of steps.values()) {
    if (record.type === 'model_response' && record.usage) {
      input += record.usage.inputTokens;
      output += record.usage.outputTokens;
      calls += 1;
    }
    if (record.type === 'response') answered = true;
    if (record.type === 'error') failed = true;
  }
  const state = failed ? 'stopped with an error' : answered ? 'finished' : 'running…';
  summary.textContent = `${steps.size} steps · ${calls} model calls · ${input} tokens in · ${output} tokens out · ${state}`;
}

const SUBSCRIPTION = 'view';

function connect() {
  const ws = new WebSocket(socketUrl(), socketProtocols());
  ws.addEventListener('open', () => {
    const subscribe = { op: 'subscribe', id: SUBSCRIPTION, [scope]: scopeId };
    if (cursor) subscribe.cursor = cursor; // resume: everything after what we have, once
    ws.send(JSON.stringify(subscribe));
  });
  ws.addEventListener('message', (e) => {
    const frame = JSON.parse(e.data);
    if (frame.cursor) cursor = frame.cursor;
    if (frame.cursors && frame.cursors[SUBSCRIPTION]) cursor = frame.cursors[SUBSCRIPTION];
    if (frame.type === 'record') place(frame.record);
    else if (frame.type === 'error' && frame.code === 'bad_cursor') {
      // A cursor this server no longer takes (another deployment, or a restart without a shared
      // secret): load the run again from the start; steps already shown are replaced, not doubled.
      cursor = null;
      ws.close();
    } else if (frame.type === 'error') summary.textContent = frame.message;
    else if (frame.type === 'synced') {
      synced = true;
      if (steps.size === 0) summary.textContent = 'Waiting for the first step…';
    }
  });
  ws.addEventListener('close', () => setTimeout(connect, synced ? 500 : 2000));
}

connect();
