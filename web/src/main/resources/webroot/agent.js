// One agent (/agents/{id}): its tokens and cost per UTC day (the usage API's agent aggregates,
// priced as billing prices them) and its runs, newest first, page by page. Plain ES module.
import { api, el, link, duration, money, when, statusBadge } from '/common.js';

const agentId = decodeURIComponent(location.pathname.split('/')[2] || '');
document.getElementById('title').textContent = 'agent ' + agentId;
document.title = 'Agent ' + agentId + ' · TraceBridge';
const summary = document.getElementById('summary');
const days = document.querySelector('#days tbody');
const foot = document.querySelector('#days tfoot');
const runs = document.querySelector('#agentruns tbody');
const older = document.getElementById('older');
const range = document.getElementById('range');
let next = null;

function cells(tr, values) {
  for (const v of values) {
    const td = el('td');
    if (v instanceof Node) td.append(v); else td.textContent = v ?? '';
    tr.append(td);
  }
  return tr;
}

async function loadDays() {
  const p = new URLSearchParams();
  if (range.elements.from.value) p.set('from', range.elements.from.value);
  if (range.elements.to.value) p.set('to', range.elements.to.value);
  try {
    const a = await api(`/api/agents/${encodeURIComponent(agentId)}?${p}`);
    range.elements.from.value = a.from;
    range.elements.to.value = a.to;
    const max = Math.max(0, ...a.days.map((d) => Number(d.pricedCost)));
    days.replaceChildren(...a.days.map((d) => {
      // an SVG bar placed by its attributes: no style set from script (CSP)
      const track = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
      track.setAttribute('class', 'daytrack');
      track.setAttribute('viewBox', '0 0 100 10');
      track.setAttribute('preserveAspectRatio', 'none');
      track.setAttribute('aria-hidden', 'true');
      const bar = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
      bar.setAttribute('class', 'daybar');
      bar.setAttribute('width', String(max ? (Number(d.pricedCost) / max) * 100 : 0));
      bar.setAttribute('height', '10');
      track.append(bar);
      const tr = cells(el('tr'), [d.key, String(d.inputTokens), String(d.outputTokens), String(d.cacheReadTokens),
        money(d.cost, a.currency), track]);
      tr.dataset.day = d.key;
      return tr;
    }));
    const t = a.total;
    foot.replaceChildren(cells(el('tr', 'total'), ['Total', String(t.inputTokens), String(t.outputTokens),
      String(t.cacheReadTokens), money(t.cost, a.currency), '']));
    summary.textContent = a.days.length
      ? `${t.inputTokens + t.outputTokens} tokens · ${money(t.cost, a.currency)} from ${a.from} to ${a.to}`
      : `No model calls counted for this agent from ${a.from} to ${a.to}.`;
  } catch (e) {
    summary.textContent = e.message;
  }
}

async function loadRuns(more) {
  const p = new URLSearchParams({ agentId, limit: '20' });
  if (more && next) p.set('cursor', next);
  try {
    const page = await api('/api/traces?' + p);
    const rows = page.traces.map((t) => {
      const started = el('time', null, when(t.start));
      started.dateTime = t.start;
      const tr = cells(el('tr', 'run ' + t.status), [started, link('/traces/' + t.traceId, t.prompt || '(no prompt yet)', 'prompt'),
        t.sessionId ? link('/sessions/' + encodeURIComponent(t.sessionId), t.sessionId) : '',
        statusBadge(t.status, t.stopReason), duration(t.durationMs),
        t.usage ? String(t.usage.inputTokens + t.usage.outputTokens) : '', money(t.cost, t.currency)]);
      tr.dataset.traceId = t.traceId;
      return tr;
    });
    if (more) runs.append(...rows); else runs.replaceChildren(...rows);
    next = page.nextCursor;
    older.hidden = !next;
  } catch (e) {
    summary.textContent = e.message;
  }
}

range.addEventListener('submit', (e) => { e.preventDefault(); loadDays(); });
older.addEventListener('click', () => loadRuns(true));
loadDays().then(() => loadRuns(false));
