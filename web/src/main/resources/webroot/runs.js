// The list of recent agent runs, refreshed every few seconds. Plain ES module, no build step.
import { api, link } from '/common.js';

const runs = document.getElementById('runs');
const status = document.getElementById('status');

document.getElementById('open').addEventListener('submit', (e) => {
  e.preventDefault();
  location.href = link('/traces/' + encodeURIComponent(document.getElementById('trace').value.trim()));
});

function row(t) {
  const li = document.createElement('li');
  li.className = 'run ' + t.status;
  li.dataset.traceId = t.traceId;
  const a = document.createElement('a');
  a.href = link('/traces/' + t.traceId);
  a.textContent = t.prompt || '(no prompt yet)';
  const meta = document.createElement('span');
  meta.className = 'meta';
  const tokens = t.usage ? `${t.usage.inputTokens + t.usage.outputTokens} tokens` : '';
  const tools = t.tools && t.tools.length ? ' · tools: ' + t.tools.join(', ') : '';
  meta.textContent = `${new Date(t.start).toLocaleString()} · ${t.status} · ${(t.durationMs / 1000).toFixed(1)} s · ${tokens}${tools}`;
  li.append(a, meta);
  return li;
}

async function refresh() {
  try {
    const page = await api('/api/traces?limit=25');
    runs.replaceChildren(...page.traces.map(row));
    status.textContent = page.traces.length ? '' : 'No runs yet. Start your agent and they show up here.';
  } catch (e) {
    status.textContent = e.message;
  }
}

refresh();
setInterval(refresh, 3000);
