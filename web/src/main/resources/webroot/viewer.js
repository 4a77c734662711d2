// One agent run (/traces/{id}) or every run of a session (/sessions/{id}), live: subscribes on
// /ws and tells the run's story in words a person can follow, each step once, in the order it
// happened, with nesting for agents used as tools and for tools run at the same time, a compact
// timeline (waterfall), and the run's header (agent, session, models, start, duration, status,
// tokens, cost). No framework, no build step, nothing fetched from outside this server.
import {
  api, live, el, link, toolLabel, duration, money, tokens, when, statusBadge, facts, STATUS_WORDS,
} from '/common.js';

const LABELS = {
  prompt: 'You asked',
  model_request: 'Sent to the model',
  model_response: 'The model replied',
  reasoning: 'Thinking',
  tool_request: 'Used a tool',
  tool_response: 'The tool returned',
  response: 'Answer',
  error: 'Something went wrong',
};
// Within one span, records that share a time are told in this order.
const RANK = { prompt: 0, model_request: 1, reasoning: 2, model_response: 3, tool_request: 4, tool_response: 5, error: 6, response: 7 };
const COLLAPSE_CHARS = 700;
const COLLAPSE_LINES = 8;
const WATERFALL_MAX_BARS = 400;
const SVG = 'http://www.w3.org/2000/svg';

const [, kind, rawId] = location.pathname.split('/');
const scope = kind === 'sessions' ? 'sessionId' : 'traceId';
const scopeId = decodeURIComponent(rawId || '');
const timeline = document.getElementById('timeline');
const summary = document.getElementById('summary');
const header = document.getElementById('runheader');
const waterfall = document.getElementById('waterfall');
const title = document.getElementById('title');
title.textContent = scope === 'traceId' ? 'agent run' : 'session ' + scopeId;
document.title = (scope === 'traceId' ? 'Agent run ' + scopeId.slice(0, 8) : 'Session ' + scopeId) + ' · TraceBridge';

const records = new Map(); // recordId -> record
const cards = new Map(); // recordId -> {record, element, extra}
const expanded = new Set(); // keys of content the reader expanded
let cursor = null;
let synced = false;
let notFound = false;
let runInfo = null; // ?view=run (trace page) or /api/sessions/{id} (session page)
let renderPending = false;
let firstRenderDone = false;

function ts(r) {
  return Date.parse(r.timestamp) + (Number((r.timestamp.match(/\.(\d+)/) || [, '0'])[1].padEnd(9, '0').slice(3, 9)) / 1e6);
}

// ---------- content: collapsed to its first lines, "Show all", "Copy" ----------

function copyText(text, button) {
  const done = () => { button.textContent = 'Copied'; setTimeout(() => { button.textContent = 'Copy'; }, 1500); };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, () => fallbackCopy(text, done));
  } else {
    fallbackCopy(text, done);
  }
}

function fallbackCopy(text, done) {
  const area = el('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'offscreen';
  document.body.append(area);
  area.select();
  try { document.execCommand('copy'); done(); } finally { area.remove(); }
}

function cut(text) {
  let end = Math.min(text.length, COLLAPSE_CHARS);
  let lines = 0;
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10 && ++lines >= COLLAPSE_LINES) { end = i; break; }
  }
  return end < text.length ? text.slice(0, end) : null;
}

function size(text) {
  return `${text.length.toLocaleString('en-US')} characters`;
}

/** Long content shown as its first lines with "Show all" and "Copy"; short content as it is. */
function content(tag, className, text, key) {
  const node = el(tag, className);
  const short = cut(text);
  if (short === null) {
    node.textContent = text;
    return node;
  }
  const wrap = el('div', 'long');
  const tools = el('div', 'contenttools');
  const toggle = el('button', 'linkish');
  toggle.type = 'button';
  const copy = el('button', 'linkish', 'Copy');
  copy.type = 'button';
  copy.setAttribute('aria-label', 'Copy the whole text');
  copy.addEventListener('click', () => copyText(text, copy));
  const show = (all) => {
    node.textContent = all ? text : short + ' …';
    toggle.textContent = all ? 'Show less' : `Show all (${size(text)})`;
    toggle.setAttribute('aria-expanded', String(all));
    wrap.classList.toggle('collapsed', !all);
  };
  toggle.addEventListener('click', () => {
    const all = !expanded.has(key);
    if (all) expanded.add(key); else expanded.delete(key);
    show(all);
  });
  show(expanded.has(key));
  tools.append(toggle, copy);
  wrap.append(node, tools);
  return wrap;
}

function parseJson(text) {
  if (typeof text !== 'string') return undefined;
  const t = text.trim();
  if (!t.startsWith('{')) return undefined;
  try { return JSON.parse(t); } catch { return undefined; }
}

/** Tool parameters or results: a key/value list, the raw JSON one click away; else the text. */
function toolData(text, className, key) {
  const parsed = parseJson(text);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || Object.keys(parsed).length === 0
      || Object.keys(parsed).length > 40) {
    let pretty = text;
    if (parsed !== undefined) pretty = JSON.stringify(parsed, null, 2);
    return content('pre', className, pretty, key);
  }
  const box = el('div', 'tooldata');
  const dl = el('dl', 'kv');
  const flat = [];
  for (const [k, v] of Object.entries(parsed)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length <= 20) {
      for (const [k2, v2] of Object.entries(v)) flat.push([k + '.' + k2, v2]);
    } else flat.push([k, v]);
  }
  for (const [k, v] of flat.slice(0, 60)) {
    const row = el('div');
    row.append(el('dt', null, k));
    const dd = el('dd');
    const value = typeof v === 'string' ? v : JSON.stringify(v);
    dd.append(content('span', 'value', value, key + '.' + k));
    row.append(dd);
    dl.append(row);
  }
  const raw = el('details', 'raw');
  raw.append(el('summary', null, 'Raw JSON'));
  const pre = el('pre', className); // filled when first opened: a 1,000-step run draws fewer nodes
  raw.append(pre);
  raw.addEventListener('toggle', () => {
    if (raw.open && pre.isConnected && !pre.dataset.filled) {
      pre.dataset.filled = 'true';
      pre.replaceWith(content('pre', className, JSON.stringify(parsed, null, 2), key + '.raw'));
    }
  });
  box.append(dl, raw);
  return box;
}

// ---------- one step ----------

function head(r, label) {
  const h = el('div', 'head');
  h.append(el('span', 'label', label || LABELS[r.type] || r.type));
  if (r.tool && r.tool.name && (r.type === 'tool_request' || r.type === 'tool_response')) {
    const t = el('span', 'tool', toolLabel(r.tool.name));
    t.title = r.tool.name;
    h.append(t);
  }
  if (r.type.startsWith('model') && r.model) h.append(el('span', 'model', r.model));
  if (r.durationMs && (r.type === 'model_response' || r.type === 'tool_response' || r.type === 'response')) {
    h.append(el('span', 'took', duration(r.durationMs)));
  }
  const time = el('time', null, new Date(r.timestamp).toLocaleTimeString());
  time.dateTime = r.timestamp;
  h.append(time);
  return h;
}

const sessionCalls = {}; // session page: each run's calls, from its ?view=run
let sessionCurrency = 'USD';

function callCost(r) {
  const calls = scope === 'traceId' ? runInfo && runInfo.calls : sessionCalls;
  const call = calls && calls[r.recordId];
  if (!call) return '';
  return call.cost === null ? 'no price for this model' : money(call.cost, scope === 'traceId' ? runInfo.currency : sessionCurrency);
}

async function loadSessionCalls() {
  const runs = (runInfo && runInfo.runs) || [];
  await Promise.all(runs.slice(-50).map(async (run) => {
    try {
      const info = await api(`/api/traces/${run.traceId}?view=run`);
      Object.assign(sessionCalls, info.calls);
      sessionCurrency = info.currency || sessionCurrency;
    } catch { /* a run that is gone meanwhile */ }
  }));
  schedule();
}

/** What a model request says that the story has not: its new messages, in a line. */
function requestText(r, ctx) {
  const prompt = ctx.promptText;
  if (r.messages && r.messages.length) {
    const bits = [];
    let toolResults = 0;
    for (const m of r.messages) {
      for (const p of m.parts || []) {
        if (p.type === 'tool_call_response') toolResults++;
        else if (p.type === 'text' && p.content) {
          if (prompt && p.content.trim() === prompt.trim()) bits.push('your question');
          else if (m.role === 'user') bits.push('"' + (p.content.length > 200 ? p.content.slice(0, 200) + '…' : p.content) + '"');
        }
      }
    }
    if (toolResults) bits.push(toolResults === 1 ? 'the tool result above' : `the ${toolResults} tool results above`);
    return bits.length ? bits.join(', ') : 'the conversation so far';
  }
  if (!r.text || (prompt && r.text.trim() === prompt.trim()) || r.text === ctx.lastRequestText) {
    // the first call is sent the question; later ones the same question and all that followed
    return ctx.requests === 0 && r.text && prompt && r.text.trim() === prompt.trim() ? 'your question' : 'the conversation so far';
  }
  return null; // new text: show it
}

function card(r, ctx) {
  const li = el('li', 'step ' + r.type);
  li.dataset.recordId = r.recordId;
  li.dataset.type = r.type;
  li.tabIndex = -1;
  if (r.type === 'error') return errorCard(li, r, ctx);
  if (r.type === 'model_request') {
    li.append(head(r));
    const said = requestText(r, ctx);
    if (said === null) li.append(content('p', 'text', r.text, r.recordId + '.text'));
    else li.append(el('p', 'text muted', said));
    if (r.systemPrompt) {
      const d = el('details', 'raw');
      d.append(el('summary', null, 'System prompt'), content('pre', 'system', r.systemPrompt, r.recordId + '.system'));
      li.append(d);
    }
    return li;
  }
  li.append(head(r));
  if (r.text) li.append(content('p', 'text', r.text, r.recordId + '.text'));
  if (r.tool && r.tool.input && r.type !== 'tool_response') {
    li.append(el('div', 'caption', 'with'), toolData(r.tool.input, 'input', r.recordId + '.input'));
  }
  if (r.tool && r.tool.output) {
    li.append(el('div', 'caption', r.tool.status === 'error' ? 'failed with' : 'result'),
      toolData(r.tool.output, 'output', r.recordId + '.output'));
  }
  if (r.error) li.append(el('p', 'error', r.error.message || r.error.type));
  if (r.usage && r.type === 'model_response') {
    const cost = callCost(r);
    li.append(el('p', 'tokens', tokens(r.usage) + (cost ? ' · ' + cost : '')));
  }
  if (r.type === 'response' && r.finishReason && !/^(end_turn|stop|stop_sequence|complete|completed)$/i.test(r.finishReason)) {
    li.append(el('p', 'muted', 'Stopped because: ' + r.finishReason));
  }
  if (r.truncated) li.append(el('p', 'muted', 'Shortened: the original was too large to keep whole.'));
  return li;
}

function errorCard(li, r, ctx) {
  li.append(head(r));
  const e = r.error || {};
  const what = e.message || e.type || r.text || 'the step failed';
  li.append(el('p', 'error', (e.type && e.message ? e.type + ': ' : '') + what));
  const where = ctx.where.get(r.recordId);
  if (where) li.append(el('p', 'where', 'Where: ' + where));
  const also = ctx.alsoStopped.get(r.recordId);
  if (also && also.length) li.append(el('p', 'muted', 'It also stopped ' + also.join(', ') + '.'));
  return li;
}

// ---------- the story: spans into nested steps ----------

function newSpan(id, parent) {
  return { id, parent, records: [], children: [], start: Infinity, end: -Infinity };
}

function buildSpans(list) {
  const spans = new Map();
  for (const r of list) {
    let s = spans.get(r.spanId);
    if (!s) { s = newSpan(r.spanId, null); spans.set(r.spanId, s); }
    s.records.push(r);
    if (!s.parent && r.parentSpanId) s.parent = r.parentSpanId;
  }
  // Spans without records (Strands' event-loop cycles, say) are parents nobody sees: stand one
  // in for each, so its children stay siblings, and hang it under its agent's span below.
  for (const s of [...spans.values()]) {
    if (s.parent && !spans.has(s.parent)) spans.set(s.parent, Object.assign(newSpan(s.parent, null), { synthetic: true }));
  }
  for (const s of spans.values()) {
    const p = s.parent && spans.get(s.parent);
    if (p && p !== s) p.children.push(s);
  }
  const bound = (s, depth) => {
    s.start = Infinity; s.end = -Infinity;
    for (const r of s.records) { const t = ts(r); s.start = Math.min(s.start, t); s.end = Math.max(s.end, t); }
    if (depth < 200) for (const c of s.children) { bound(c, depth + 1); s.start = Math.min(s.start, c.start); s.end = Math.max(s.end, c.end); }
  };
  const agentOf = (s, depth = 0) => {
    const r = s.records.find((x) => x.agentId || x.agentName);
    if (r) return r.agentId || r.agentName;
    for (const c of depth < 50 ? s.children : []) { const a = agentOf(c, depth + 1); if (a) return a; }
    return null;
  };
  let roots = [...spans.values()].filter((s) => !s.parent || !spans.has(s.parent) || s.parent === s.id);
  const reached = new Set();
  const reach = (s) => { if (reached.has(s)) return; reached.add(s); s.children.forEach(reach); };
  roots.forEach(reach);
  for (const s of spans.values()) { // parent links in a cycle: tell those spans from the top
    if (!reached.has(s)) {
      const p = spans.get(s.parent);
      if (p) p.children = p.children.filter((c) => c !== s);
      roots.push(s);
      reach(s);
    }
  }
  roots.forEach((s) => bound(s, 0));
  // A top-level span that is not an agent's own (no prompt, no answer) belongs to the span of the
  // same agent that was running when it started (wherever that span sits in the tree).
  const agents = [...spans.values()].filter((s) => s.records.some((r) => r.type === 'prompt' || r.type === 'response'));
  const within = (root) => { const seen = new Set(); const walk = (x) => { if (seen.has(x)) return; seen.add(x); x.children.forEach(walk); }; walk(root); return seen; };
  const kept = [];
  for (const s of roots) {
    const inside = within(s);
    const who = agentOf(s);
    // the agent's own span, or what it ran in (a server span): stays at the top
    if (agents.some((a) => inside.has(a) && agentOf(a) === who)) { kept.push(s); continue; }
    // (an agent span whose records are all stamped at its end, as ADOT's are, started before them)
    const same = agents.filter((a) => agentOf(a) === who);
    const home = same.filter((a) => a.start <= s.start).sort((a, b) => b.start - a.start)[0]
      || same.sort((a, b) => a.start - b.start)[0]
      || (!who && agents.length === 1 ? agents[0] : null);
    if (home) { home.children.push(s); s.parent = home.id; } else kept.push(s);
  }
  roots = kept;
  roots.forEach((s) => bound(s, 0));
  return { spans, roots };
}

const isAgentSpan = (s) => s.records.some((r) => r.type === 'prompt' || r.type === 'response');
const agentName = (s) => { const r = s.records.find((x) => x.agentName || x.agentId); return r ? r.agentName || r.agentId : 'an agent'; };

/** A span's own records in telling order: prompt first, answer last, thinking before its reply. */
function ownOrder(s, hasChildren) {
  const own = [...s.records].sort((a, b) => {
    const pa = a.type === 'prompt' ? -1 : a.type === 'response' && hasChildren ? 1 : 0;
    const pb = b.type === 'prompt' ? -1 : b.type === 'response' && hasChildren ? 1 : 0;
    return pa - pb || ts(a) - ts(b) || RANK[a.type] - RANK[b.type] || (a.recordId < b.recordId ? -1 : 1);
  });
  for (let i = 1; i < own.length; i++) { // a reply stamped before its thinking: tell the thinking first
    if (own[i].type === 'reasoning' && own[i - 1].type === 'model_response') {
      let j = i - 1;
      while (j > 0 && own[j - 1].type === 'model_response') j--;
      const [t] = own.splice(i, 1);
      own.splice(j, 0, t);
    }
  }
  return own;
}

/** The items of one span: records, tool calls (with what ran inside them), nested agents. */
function items(s, depth, insideAgent = false) {
  const inAgent = insideAgent || isAgentSpan(s);
  const own = ownOrder(s, s.children.length > 0);
  const children = [...s.children].sort((a, b) => a.start - b.start);
  const out = [];
  const toolSpan = own.some((r) => r.type === 'tool_request');
  const timeOf = (r) => (r.type === 'prompt' ? -Infinity : r.type === 'response' && children.length ? Infinity : ts(r));
  let ci = 0;
  const pushChild = (c) => {
    if (depth > 100) return; // a cycle or a pathological depth: stop telling
    if (isAgentSpan(c) && inAgent) {
      out.push({ kind: 'agent', name: agentName(c), start: c.start, end: c.end, span: c, items: items(c, depth + 1, true) });
    } else {
      out.push(...items(c, depth + 1, inAgent));
    }
  };
  for (const r of own) {
    while (ci < children.length && children[ci].start < timeOf(r) && !(toolSpan && r.type === 'tool_request')) pushChild(children[ci++]);
    out.push({ kind: 'step', record: r, start: ts(r), end: ts(r) });
    if (toolSpan && r.type === 'tool_request') {
      // what ran inside the tool (an agent used as a tool) goes between its call and its result
      const resultAt = own.find((x) => x.type === 'tool_response');
      while (ci < children.length && (!resultAt || children[ci].start <= ts(resultAt))) pushChild(children[ci++]);
    }
  }
  while (ci < children.length) pushChild(children[ci++]);
  return groupTools(out);
}

/** Tool calls paired (request, what ran inside, result), and those that overlapped in time side by side. */
function groupTools(list) {
  const out = [];
  const open = new Map(); // callId or span -> tool group
  for (const it of list) {
    const r = it.record;
    if (it.kind === 'step' && r.type === 'tool_request') {
      const g = { kind: 'tool', request: r, response: null, inner: [], start: ts(r), end: ts(r) + (r.durationMs || 0), name: r.tool && r.tool.name };
      open.set((r.tool && r.tool.callId) || r.spanId, g);
      out.push(g);
      continue;
    }
    if (it.kind === 'step' && r.type === 'tool_response') {
      const g = open.get((r.tool && r.tool.callId) || r.spanId) || open.get(r.spanId);
      if (g && !g.response) { g.response = r; g.end = Math.max(g.end, ts(r)); continue; }
    }
    if (it.kind === 'agent') {
      const g = [...open.values()].reverse().find((x) => !x.response && x.start <= it.start);
      if (g) { g.inner.push(it); g.end = Math.max(g.end, it.end); continue; }
    }
    out.push(it);
  }
  const grouped = [];
  for (const it of out) {
    const prev = grouped[grouped.length - 1];
    const prevTool = prev && (prev.kind === 'tool' ? prev : prev.kind === 'parallel' ? prev.items[prev.items.length - 1] : null);
    if (it.kind === 'tool' && prevTool && prev.kind !== 'step' && it.start < (prevTool.response ? ts(prevTool.response) : Infinity)
        && it.start >= prevTool.start) {
      if (prev.kind === 'parallel') { prev.items.push(it); prev.end = Math.max(prev.end, it.end); } else {
        grouped[grouped.length - 1] = { kind: 'parallel', items: [prev, it], start: prev.start, end: Math.max(prev.end, it.end) };
      }
      continue;
    }
    grouped.push(it);
  }
  return grouped;
}

/** Errors told once: the first card for a failure, the same failure further up named in it. */
function errorContext(list, spans) {
  const where = new Map();
  const alsoStopped = new Map();
  const hidden = new Set();
  const firstByMessage = new Map();
  const describe = (spanId) => {
    const s = spans.get(spanId);
    const rs = s ? s.records : [];
    const m = rs.find((r) => r.type === 'model_request' || r.type === 'model_response');
    const t = rs.find((r) => r.type === 'tool_request' || r.type === 'tool_response');
    const a = rs.find((r) => r.type === 'prompt' || r.type === 'response');
    const agent = rs.find((r) => r.agentName || r.agentId);
    const who = agent ? ` (agent ${agent.agentName || agent.agentId})` : '';
    if (m) return `calling the model ${m.model || ''}`.trim() + who;
    if (t) return `in the tool ${toolLabel(t.tool && t.tool.name)}` + who;
    if (a) return `in the agent ${a.agentName || a.agentId || ''}`.trim();
    const any = rs.find((r) => r.spanName);
    return any ? `in ${any.spanName}` + who : null;
  };
  for (const r of list) {
    if (r.type !== 'error') continue;
    const msg = (r.error && (r.error.message || r.error.type)) || r.text || '';
    const first = firstByMessage.get(msg);
    if (first) {
      hidden.add(r.recordId);
      const d = describe(r.spanId);
      if (d && d !== where.get(first.recordId)) alsoStopped.get(first.recordId).push(d.replace(/^in the /, 'the ').replace(/^calling /, 'the call to '));
      continue;
    }
    firstByMessage.set(msg, r);
    where.set(r.recordId, describe(r.spanId));
    alsoStopped.set(r.recordId, []);
  }
  // a failed call's empty reply says nothing the error card does not
  for (const r of list) {
    if (r.type === 'model_response' && !r.text && !(r.usage && (r.usage.inputTokens || r.usage.outputTokens))) {
      const s = spans.get(r.spanId);
      if (s && s.records.some((x) => x.type === 'error' || x.error)) hidden.add(r.recordId);
    }
  }
  return { where, alsoStopped, hidden };
}

// ---------- rendering ----------

function cardFor(r, ctx) {
  const key = r.recordId;
  const c = cards.get(key);
  const extra = `${ctx.promptText === undefined ? '' : ctx.promptText.length + ctx.promptText.slice(0, 40)}|${ctx.requests}|${ctx.lastRequestText || ''}|${ctx.where.get(key) || ''}|${(ctx.alsoStopped.get(key) || []).join()}|${callCost(r)}`;
  if (c && c.record === r && c.extra === extra) return c.element;
  const element = card(r, ctx);
  cards.set(key, { record: r, element, extra });
  return element;
}

function renderItems(list, ctx, ol) {
  for (const it of list) {
    if (it.kind === 'step') {
      if (ctx.hidden.has(it.record.recordId)) continue;
      ol.append(cardFor(it.record, ctx));
      if (it.record.type === 'model_request') { ctx.lastRequestText = it.record.text; ctx.requests++; }
    } else if (it.kind === 'tool') {
      ol.append(cardFor(it.request, ctx));
      if (it.inner.length) {
        const li = el('li', 'nest');
        const inner = el('ol', 'timeline nested');
        inner.setAttribute('aria-label', 'inside ' + toolLabel(it.name));
        renderItems(it.inner, ctx, inner);
        li.append(inner);
        ol.append(li);
      }
      if (it.response && !ctx.hidden.has(it.response.recordId)) ol.append(cardFor(it.response, ctx));
    } else if (it.kind === 'parallel') {
      const li = el('li', 'group parallel');
      const h = el('p', 'grouphead', `${it.items.length} tools ran at the same time`);
      const inner = el('ol', 'timeline nested');
      inner.setAttribute('aria-label', `${it.items.length} tools at the same time`);
      for (const t of it.items) {
        const sub = el('li', 'lane');
        const lane = el('ol', 'timeline');
        renderItems([t], ctx, lane);
        sub.append(lane);
        inner.append(sub);
      }
      li.append(h, inner);
      ol.append(li);
    } else if (it.kind === 'agent') {
      const li = el('li', 'group agent');
      li.dataset.agent = it.name;
      const h = el('p', 'grouphead');
      h.append(el('span', null, 'Agent '), el('strong', null, it.name), el('span', 'took', ' ' + duration(it.end - it.start)));
      const inner = el('ol', 'timeline nested');
      inner.setAttribute('aria-label', 'steps of agent ' + it.name);
      const outer = [ctx.promptText, ctx.lastRequestText, ctx.requests];
      const own = it.items.find((x) => x.kind === 'step' && x.record.type === 'prompt');
      ctx.promptText = own ? own.record.text : undefined; // "your question" is this agent's
      ctx.lastRequestText = null;
      ctx.requests = 0;
      renderItems(it.items, ctx, inner);
      [ctx.promptText, ctx.lastRequestText, ctx.requests] = outer;
      li.append(h, inner);
      ol.append(li);
    }
  }
}

function byTrace() {
  const m = new Map();
  for (const r of records.values()) {
    if (!m.has(r.traceId)) m.set(r.traceId, []);
    m.get(r.traceId).push(r);
  }
  for (const list of m.values()) list.sort((a, b) => ts(a) - ts(b) || (a.recordId < b.recordId ? -1 : 1));
  return [...m.entries()].sort((a, b) => ts(a[1][0]) - ts(b[1][0]));
}

function render() {
  renderPending = false;
  const runs = byTrace();
  const sections = [];
  const bars = [];
  for (const [traceId, list] of runs) {
    const { spans, roots } = buildSpans(list);
    const errs = errorContext(list, spans);
    const prompt = list.find((r) => r.type === 'prompt');
    const ctx = { promptText: prompt ? prompt.text : undefined, lastRequestText: null, requests: 0, ...errs };
    const top = [];
    for (const root of roots.sort((a, b) => a.start - b.start)) top.push(...items(root, 0));
    const section = el('section', 'run');
    section.dataset.traceId = traceId;
    if (scope !== 'traceId') {
      const h = el('h2');
      const first = list[0];
      h.append(link('/traces/' + traceId, 'Run ' + traceId.slice(0, 8)), el('span', 'muted', ' · ' + when(first.timestamp)));
      section.append(h);
    }
    const ol = el('ol', 'timeline');
    ol.setAttribute('aria-label', 'steps of the run, in order');
    renderItems(groupTools(top), ctx, ol);
    section.append(ol);
    sections.push(section);
    if (scope === 'traceId') collectBars(groupTools(top), bars, 0, errs);
  }
  timeline.replaceChildren(...sections);
  if (scope === 'traceId') drawWaterfall(bars);
  updateSummary();
}

let preloaded = false; // the run's records came with its header (one REST read), before the socket's

function schedule() {
  if (!synced && !preloaded) return; // the stored steps are drawn once, when they are all here
  if (!renderPending) {
    renderPending = true;
    requestAnimationFrame(render);
  }
}

// ---------- waterfall ----------

function collectBars(list, bars, depth, errs) {
  for (const it of list) {
    if (bars.length >= WATERFALL_MAX_BARS + 1) return;
    if (it.kind === 'step' && it.record.type === 'model_response' && !errs.hidden.has(it.record.recordId)) {
      const end = ts(it.record);
      bars.push({ kind: 'model', label: 'Model ' + (it.record.model || ''), start: end - (it.record.durationMs || 0), end, target: it.record.recordId, depth });
    } else if (it.kind === 'step' && it.record.type === 'error' && !errs.hidden.has(it.record.recordId)) {
      bars.push({ kind: 'error', label: 'Error', start: ts(it.record), end: ts(it.record), target: it.record.recordId, depth });
    } else if (it.kind === 'tool') {
      bars.push({ kind: 'tool', label: toolLabel(it.name), start: it.start, end: it.response ? ts(it.response) : it.end, target: it.request.recordId, depth });
      collectBars(it.inner, bars, depth + 1, errs);
    } else if (it.kind === 'parallel') {
      collectBars(it.items, bars, depth, errs);
    } else if (it.kind === 'agent') {
      const first = it.items.find((x) => x.kind === 'step');
      bars.push({ kind: 'agent', label: 'Agent ' + it.name, start: it.start, end: it.end, target: first ? first.record.recordId : null, depth });
      collectBars(it.items, bars, depth + 1, errs);
    }
  }
}

function drawWaterfall(bars) {
  if (!waterfall) return;
  if (!bars.length) { waterfall.replaceChildren(); waterfall.hidden = true; return; }
  waterfall.hidden = false;
  const all = [...records.values()];
  const t0 = Math.min(...bars.map((b) => b.start), ...all.map(ts));
  const t1 = Math.max(...bars.map((b) => b.end), ...all.map(ts));
  const span = Math.max(1, t1 - t0);
  const h = el('h2', null, 'Timeline');
  h.id = 'timelinetitle';
  const list = el('ol', 'bars');
  list.setAttribute('aria-labelledby', 'timelinetitle');
  for (const b of bars.slice(0, WATERFALL_MAX_BARS)) {
    const li = el('li');
    const row = el('button', 'barrow');
    row.type = 'button';
    row.setAttribute('aria-label', `${b.label}, ${duration(b.end - b.start)}, starts ${duration(b.start - t0)} into the run: go to the step`);
    row.title = `${b.label} · ${duration(b.end - b.start)}`;
    const name = el('span', `barlabel depth${Math.min(b.depth, 6)}`, b.label);
    // The bar is an SVG rectangle placed by its attributes: no style set from script (CSP).
    const track = document.createElementNS(SVG, 'svg');
    track.setAttribute('class', 'track');
    track.setAttribute('viewBox', '0 0 1000 10');
    track.setAttribute('preserveAspectRatio', 'none');
    track.setAttribute('aria-hidden', 'true');
    const bg = document.createElementNS(SVG, 'rect');
    bg.setAttribute('class', 'trackbg');
    bg.setAttribute('width', '1000');
    bg.setAttribute('height', '10');
    const bar = document.createElementNS(SVG, 'rect');
    bar.setAttribute('class', 'bar ' + b.kind);
    bar.setAttribute('x', String(((b.start - t0) / span) * 1000));
    bar.setAttribute('width', String(Math.max(3, ((b.end - b.start) / span) * 1000)));
    bar.setAttribute('height', '10');
    track.append(bg, bar);
    row.dataset.kind = b.kind;
    if (b.target) row.addEventListener('click', () => goTo(b.target));
    row.append(name, track, el('span', 'bartime', duration(b.end - b.start)));
    li.append(row);
    list.append(li);
  }
  const parts = [h, list];
  if (bars.length > WATERFALL_MAX_BARS) parts.push(el('p', 'muted', `Showing the first ${WATERFALL_MAX_BARS} timed steps.`));
  const scale = el('p', 'scale muted');
  scale.append(el('span', null, '0'), el('span', null, duration(span)));
  parts.splice(1, 0, scale);
  waterfall.replaceChildren(...parts);
}

function goTo(recordId) {
  const target = timeline.querySelector(`li.step[data-record-id="${CSS.escape(recordId)}"]`);
  if (!target) return;
  target.scrollIntoView({ block: 'center' });
  target.focus({ preventScroll: true });
  target.classList.add('highlight');
  setTimeout(() => target.classList.remove('highlight'), 1500);
}

// ---------- header and summary ----------

function updateSummary() {
  let input = 0;
  let output = 0;
  let calls = 0;
  let answered = false;
  let failed = false;
  for (const r of records.values()) {
    if (r.type === 'model_response' && r.usage) {
      input += r.usage.inputTokens;
      output += r.usage.outputTokens;
      calls += 1;
    }
    if (r.type === 'response') answered = true;
    if (r.type === 'error') failed = true;
  }
  if (notFound && records.size === 0) return;
  if (records.size === 0) {
    if (synced) summary.textContent = 'Waiting for the first step…';
    return;
  }
  const state = runInfo && runInfo.status && scope === 'traceId'
    ? STATUS_WORDS[runInfo.status] : failed && !answered ? 'stopped with an error' : answered ? 'finished' : 'running…';
  const cost = runInfo ? (scope === 'traceId' ? runInfo.cost : runInfo.totals && runInfo.totals.cost) : undefined;
  const currency = runInfo ? runInfo.currency || (runInfo.totals && runInfo.totals.currency) : undefined;
  const n = byTraceCount();
  const runs = scope === 'sessionId' ? `${n} run${n === 1 ? '' : 's'} · ` : '';
  summary.textContent = `${runs}${records.size} step${records.size === 1 ? '' : 's'} · ${calls} model call${calls === 1 ? '' : 's'} · ${input} tokens in · ${output} tokens out`
    + (cost !== undefined ? ' · ' + money(cost, currency) : '') + ` · ${state}`;
}

function byTraceCount() {
  return new Set([...records.values()].map((r) => r.traceId)).size;
}

function drawHeader() {
  if (!header || !runInfo) return;
  if (scope === 'traceId') {
    const r = runInfo;
    const agent = r.agentId ? link('/agents/' + encodeURIComponent(r.agentId), r.agentName || r.agentId) : r.agentName;
    const session = r.sessionId ? link('/sessions/' + encodeURIComponent(r.sessionId), r.sessionId) : null;
    const status = el('span');
    status.append(statusBadge(r.status, r.stopReason));
    if (r.stopReason) status.append(el('span', 'muted', ' stop reason: ' + r.stopReason));
    const cost = el('span', 'cost', money(r.cost, r.currency));
    cost.id = 'runcost';
    if (r.cost !== null && r.cost !== undefined) cost.dataset.cost = r.cost;
    header.replaceChildren(facts([
      ['Agent', agent], ['Session', session], ['Models', r.models.join(', ') || null],
      ['Started', when(r.start)], ['Duration', duration(r.durationMs)], ['Status', status],
      ['Tokens', tokens(r.usage)], ['Cost', cost],
    ]));
    title.textContent = (r.agentName || r.agentId || 'agent') + ' run';
  } else {
    const t = runInfo.totals;
    const cost = el('span', 'cost', money(t.cost, t.currency));
    cost.id = 'runcost';
    const runsList = el('ol', 'sessionruns');
    for (const run of runInfo.runs) {
      const li = el('li');
      li.append(link('/traces/' + run.traceId, run.prompt || '(no prompt yet)'), el('span', 'muted',
        ` · ${when(run.start)} · ${duration(run.durationMs)} · `), statusBadge(run.status, run.stopReason),
        el('span', 'muted', ' · ' + money(run.cost, run.currency)));
      runsList.append(li);
    }
    header.replaceChildren(facts([
      ['Runs', String(t.runs) + (runInfo.truncated ? ' (the first 1,000)' : '')], ['Agents', (t.agents || []).join(', ')],
      ['Models', (t.models || []).join(', ')], ['Started', when(t.start)], ['Duration', duration(t.durationMs)],
      ['Tokens', tokens(t.usage)], ['Cost', cost],
    ]), runsList);
  }
  updateSummary();
}

let infoTimer = null;
function refreshInfo(delay) {
  clearTimeout(infoTimer);
  infoTimer = setTimeout(loadInfo, delay);
}

async function loadInfo() {
  try {
    const first = scope === 'traceId' && !preloaded && !synced && records.size === 0;
    runInfo = await api(scope === 'traceId'
      ? `/api/traces/${encodeURIComponent(scopeId)}?view=run${first ? '&records=true' : ''}`
      : `/api/sessions/${encodeURIComponent(scopeId)}`);
    if (runInfo.records) {
      // Draw the run from this one read at once; the socket's stored phase (the same versions,
      // kept as they are) and its live records follow.
      const got = runInfo.records;
      delete runInfo.records;
      if (!synced) {
        performance.mark('tb-preloaded');
        for (const r of got) place(r);
        preloaded = true;
        render();
        document.body.offsetHeight;
        performance.mark('tb-first-render');
        performance.measure('tb-preload-render', 'tb-preloaded', 'tb-first-render');
      }
    }
    if (notFound) {
      notFound = false;
      document.getElementById('notfound')?.remove();
    }
    drawHeader();
    if (scope === 'sessionId') loadSessionCalls();
    else if (synced) schedule(); // the calls' costs on their cards (only those cards are redrawn)
  } catch (e) {
    if (e.status === 404) {
      if (scope === 'traceId' && records.size === 0) showNotFound();
    } else {
      summary.textContent = e.message;
    }
  }
}

function showNotFound() {
  notFound = true;
  summary.textContent = 'Run not found';
  if (document.getElementById('notfound')) return;
  const box = el('div', 'card notfound');
  box.id = 'notfound';
  box.setAttribute('role', 'status');
  box.append(el('h2', null, 'Run not found'),
    el('p', null, `No run with the id ${scopeId} has been recorded for your key. Check the id (either form works: `
      + '32 hex characters, or 1-xxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx). If the run is starting right now, its steps will appear here.'),
    link('/', 'See the recent runs'));
  timeline.before(box);
}

// ---------- live records ----------

function place(r) {
  if (records.size === 0) performance.mark('tb-first-record');
  const had = records.get(r.recordId);
  if (had && had.json === undefined) had.json = JSON.stringify(had);
  if (had && had.json === JSON.stringify(r)) return; // the version already shown (from the first read)
  records.set(r.recordId, r);
  if (notFound) { notFound = false; document.getElementById('notfound')?.remove(); }
  if (synced && (r.type === 'model_response' || r.type === 'response' || r.type === 'error' || !runInfo)) refreshInfo(runInfo ? 800 : 300);
  schedule();
}

const SUBSCRIPTION = 'view';

async function start() {
  performance.mark('tb-start');
  loadInfo(); // asks for a key if the server needs one; the socket retries with it
  live((ws) => {
    const subscribe = { op: 'subscribe', id: SUBSCRIPTION, [scope]: scopeId };
    if (cursor) subscribe.cursor = cursor; // resume: everything after what we have, once
    ws.send(JSON.stringify(subscribe));
  }, (frame, ws) => {
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
      const first = !synced;
      synced = true;
      if (first) {
        performance.mark('tb-synced');
        render();
        document.body.offsetHeight; // layout now, so the mark covers it
        performance.mark('tb-rendered');
        performance.measure('tb-render', 'tb-synced', 'tb-rendered');
        firstRenderDone = true;
        document.body.dataset.rendered = String(records.size);
        if (records.size && !runInfo) refreshInfo(0);
      }
      updateSummary();
    }
  });
}

start();
