// The live timeline of one agent run: subscribes on /ws and renders each functional record as a
// step a person can read. No framework, no build step, nothing fetched from outside this server.

const LABELS = {
  prompt: 'Prompt',
  model_request: 'Asked the model',
  model_response: 'Model answered',
  reasoning: 'Reasoning',
  tool_request: 'Called a tool',
  tool_response: 'Tool returned',
  response: 'Answer',
  error: 'Something went wrong',
};

const traceId = decodeURIComponent(location.pathname.split('/').pop());
const timeline = document.getElementById('timeline');
const summary = document.getElementById('summary');
const steps = new Map(); // recordId -> {record, element}

function text(tag, className, content) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  el.textContent = content;
  return el;
}

function pretty(json) {
  try { return JSON.stringify(JSON.parse(json), null, 2); } catch { return json; }
}

function render(record) {
  const li = document.createElement('li');
  li.className = 'step ' + record.type;
  li.dataset.recordId = record.recordId;
  li.dataset.type = record.type;
  const head = document.createElement('div');
  head.className = 'head';
  head.append(text('span', 'label', LABELS[record.type] || record.type));
  if (record.tool && record.tool.name) head.append(text('span', 'tool', record.tool.name));
  head.append(text('time', null, new Date(record.timestamp).toLocaleTimeString()));
  li.append(head);
  if (record.text) li.append(text('p', 'text', record.text));
  if (record.tool && record.tool.input) li.append(text('pre', 'input', pretty(record.tool.input)));
  if (record.tool && record.tool.output) li.append(text('pre', 'output', pretty(record.tool.output)));
  if (record.error) li.append(text('p', 'error', record.error.message || record.error.type));
  if (record.usage && record.type === 'model_response') {
    li.append(text('p', 'tokens', `${record.usage.inputTokens} tokens in · ${record.usage.outputTokens} tokens out`));
  }
  return li;
}

function place(record) {
  const existing = steps.get(record.recordId);
  const element = render(record);
  if (existing) existing.element.replaceWith(element);
  steps.set(record.recordId, { record, element });
  if (!existing) {
    // keep the timeline in time order even when records arrive out of order
    const after = [...steps.values()]
      .filter((s) => s.element !== element && s.element.isConnected && s.record.timestamp > record.timestamp)
      .sort((a, b) => (a.record.timestamp < b.record.timestamp ? -1 : 1))[0];
    timeline.insertBefore(element, after ? after.element : null);
  }
  updateSummary();
}

function updateSummary() {
  let input = 0;
  let output = 0;
  let answered = false;
  for (const { record } of steps.values()) {
    if (record.type === 'model_response' && record.usage) {
      input += record.usage.inputTokens;
      output += record.usage.outputTokens;
    }
    if (record.type === 'response') answered = true;
  }
  summary.textContent = `${steps.size} steps · ${input} tokens in · ${output} tokens out · ${answered ? 'finished' : 'running…'}`;
}

function connect() {
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
  ws.addEventListener('open', () => ws.send(JSON.stringify({ op: 'subscribe', traceId })));
  ws.addEventListener('message', (e) => {
    const frame = JSON.parse(e.data);
    if (frame.type === 'record') place(frame.record);
    else if (frame.type === 'error') summary.textContent = frame.message;
    else if (frame.type === 'synced' && steps.size === 0) summary.textContent = 'Waiting for the first step…';
  });
  ws.addEventListener('close', () => setTimeout(connect, 1000));
}

connect();
