// The Wink dashboard: reads the analytics API with the tenant's key and draws it. Every text that
// comes from the API is set with textContent, never as HTML: session text is the agents' own.
'use strict';

const SVG = 'http://www.w3.org/2000/svg';
const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === 'string' || typeof child === 'number' ? String(child) : child);
  }
  return node;
}

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

const pct = (x) => (x === null || x === undefined ? '—' : `${Math.round(x * 1000) / 10}%`);
const ms = (x) => (x === null || x === undefined ? '—' : `${Math.round(x)} ms`);
const num = (x, digits = 2) =>
  x === null || x === undefined ? '—' : Number(x.toFixed(digits)).toLocaleString('en');

async function api(path) {
  const res = await fetch(path, { headers: { authorization: `Bearer ${state.key}` } });
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    throw new Error(`${path}: ${res.status} ${body.message ?? ''}`);
  }
  return res.json();
}

const state = { key: '', range: null };

/** Horizontal bars: one per row, labelled with flagged/sessions and the rate. */
function barChart(container, rows, emptyText) {
  container.replaceChildren();
  if (rows.length === 0) {
    container.append(el('p', { class: 'muted' }, emptyText));
    return;
  }
  const rowHeight = 24;
  const labelWidth = 150;
  const width = 400;
  const barSpace = width - labelWidth - 80;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${rows.length * rowHeight + 4}`, role: 'img' });
  rows.forEach((r, i) => {
    const y = i * rowHeight;
    const g = svg('g', {
      class: 'bar',
      'data-key': r.key,
      'data-flagged': r.flagged,
      'data-sessions': r.sessions,
      'data-rate': r.rate,
    });
    g.append(svg('text', { x: 0, y: y + 16 }, r.key));
    g.append(
      svg('line', { class: 'axis', x1: labelWidth, x2: labelWidth, y1: y, y2: y + rowHeight }),
    );
    g.append(
      svg('rect', {
        x: labelWidth,
        y: y + 4,
        height: rowHeight - 8,
        width: Math.max(1, r.rate * barSpace),
      }),
    );
    g.append(
      svg(
        'text',
        { class: 'value', x: labelWidth + Math.max(1, r.rate * barSpace) + 6, y: y + 16 },
        `${r.flagged}/${r.sessions} · ${pct(r.rate)}`,
      ),
    );
    chart.append(g);
  });
  container.append(chart);
}

/** Vertical bars over days. */
function dayChart(container, rows) {
  container.replaceChildren();
  if (rows.length === 0) {
    container.append(el('p', { class: 'muted' }, 'No sessions in this range.'));
    return;
  }
  const width = 400;
  const height = 170;
  const base = height - 34;
  const step = Math.min(60, (width - 20) / rows.length);
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img' });
  chart.append(svg('line', { class: 'axis', x1: 0, x2: width, y1: base, y2: base }));
  rows.forEach((r, i) => {
    const x = 10 + i * step;
    const h = Math.max(1, r.rate * (base - 20));
    const g = svg('g', {
      class: 'bar',
      'data-key': r.key,
      'data-flagged': r.flagged,
      'data-sessions': r.sessions,
      'data-rate': r.rate,
    });
    g.append(svg('rect', { x, y: base - h, width: step * 0.7, height: h }));
    g.append(svg('text', { class: 'value', x, y: base - h - 4 }, pct(r.rate)));
    g.append(svg('text', { x, y: base + 14 }, r.key.slice(5)));
    g.append(svg('text', { class: 'muted', x, y: base + 28 }, `${r.flagged}/${r.sessions}`));
    chart.append(g);
  });
  container.append(chart);
}

/** A table row: each cell a value, or a `td` already made (for its attributes). */
function row(attrs, ...cells) {
  return el(
    'tr',
    attrs,
    cells.map((c) => (c instanceof HTMLTableCellElement ? c : el('td', {}, c))),
  );
}

function table(headers, rows) {
  return el(
    'table',
    {},
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        headers.map((h) => el('th', {}, h)),
      ),
    ),
    el('tbody', {}, rows),
  );
}

function tiles(rate, counts, resolution, latency) {
  const tile = (name, value, id) =>
    el(
      'div',
      { class: 'tile', 'data-tile': id },
      el('div', { class: 'value' }, value),
      el('div', { class: 'name' }, name),
    );
  $('tiles').replaceChildren(
    tile('sessions', String(rate.sessions), 'sessions'),
    tile('sessions with a verdict', `${rate.flagged} (${pct(rate.rate)})`, 'flagged'),
    tile('verdicts', String(counts.verdicts.total), 'verdicts'),
    tile(
      'guidance delivered / issued',
      `${counts.guidance.delivered} / ${counts.guidance.total}`,
      'guidance',
    ),
    tile(
      'single-intervention resolution',
      pct(resolution.singleInterventionResolutionRate),
      'resolution',
    ),
    tile(
      'event → guidance p50 / p99',
      `${ms(latency.eventToGuidanceMs.p50)} / ${ms(latency.eventToGuidanceMs.p99)}`,
      'latency',
    ),
  );
}

function resolutionTable(resolution) {
  const rows = resolution.bySubtype.map((s) =>
    row(
      { 'data-subtype': s.subtype },
      s.subtype,
      s.interventions,
      s.resolved,
      s.recurred,
      s.open,
      pct(s.singleInterventionResolutionRate),
    ),
  );
  $('resolution').replaceChildren(
    rows.length
      ? table(
          ['subtype', 'guidance', 'resolved', 'recurred', 'open', 'single-intervention rate'],
          rows,
        )
      : el('p', { class: 'muted' }, 'No guidance in this range.'),
  );
}

async function experimentPanel() {
  const { experiments } = await api('/v1/experiments');
  const box = $('experiment');
  if (experiments.length === 0) {
    box.replaceChildren(
      el('p', { class: 'muted' }, 'No experiment yet: POST /v1/experiments starts one.'),
    );
    return;
  }
  const e = experiments[0];
  const r = await api(`/v1/experiments/${e.experimentId}/results`);
  const [t, c] = r.cohorts;
  const rows = r.metrics.map((m) =>
    row(
      { 'data-metric': m.metric },
      m.metric,
      num(m.treatmentMean),
      num(m.controlMean),
      `${num(m.difference)} (${m.relativeDifference === null ? '—' : pct(m.relativeDifference)})`,
      m.ci95 ? `[${num(m.ci95[0])}, ${num(m.ci95[1])}]` : '—',
      el(
        'td',
        { class: m.significant ? 'significant' : '' },
        m.pValue === null ? '—' : num(m.pValue, 4),
      ),
    ),
  );
  box.replaceChildren(
    el(
      'p',
      {},
      `${e.name} — ${pct(e.treatmentShare)} treatment, ${e.stoppedAt ? 'stopped' : 'running'} since ${e.startedAt.slice(0, 16).replace('T', ' ')}. `,
      `Sessions: ${t.sessions} treatment, ${c.sessions} control (shadow mode). ${r.test}.`,
    ),
    r.warning ? el('p', { class: 'warning' }, r.warning) : null,
    table(['per session', 'treatment', 'control', 'difference', '95% CI', 'p-value'], rows),
  );
}

async function sessionsPanel() {
  const { sessions } = await api('/v1/sessions?limit=25');
  const rows = sessions.map((s) =>
    row(
      { class: 'session', 'data-session': s.sessionId, onclick: () => showTimeline(s.sessionId) },
      s.sessionId,
      s.agent,
      s.steps,
      el(
        'td',
        {},
        s.subtypes.length
          ? s.subtypes.map((st) => el('span', { class: 'tag' }, st))
          : el('span', { class: 'muted' }, 'clean'),
      ),
      s.guidance,
      s.lastSeenAt.slice(0, 16).replace('T', ' '),
    ),
  );
  $('sessions').replaceChildren(
    rows.length
      ? table(['session', 'agent', 'steps', 'found', 'guidance', 'last step'], rows)
      : el('p', { class: 'muted' }, 'No sessions yet.'),
  );
}

async function showTimeline(sessionId) {
  for (const tr of document.querySelectorAll('tr.session'))
    tr.classList.toggle('selected', tr.dataset.session === sessionId);
  const t = await api(`/v1/sessions/${encodeURIComponent(sessionId)}/timeline`);
  $('timeline-title').textContent = `Timeline — ${sessionId}`;
  const bySeq = new Map();
  const note = (seq, item) => bySeq.set(seq, [...(bySeq.get(seq) ?? []), item]);
  for (const v of t.verdicts) note(v.atSeq, { kind: 'verdict', v });
  for (const g of t.guidance) note(g.atSeq, { kind: 'guidance', g });
  const rows = [];
  for (const step of t.steps) {
    rows.push(row({ 'data-seq': step.seq }, step.seq, step.kind, step.summary));
    for (const item of bySeq.get(step.seq) ?? []) {
      if (item.kind === 'verdict') {
        const v = item.v;
        rows.push(
          row(
            { class: 'step-verdict' },
            '',
            'verdict',
            `${v.subtype} (steps ${v.fromSeq}–${v.toSeq}, ${v.detector}): ${v.reason}`,
          ),
        );
      } else {
        const g = item.g;
        const delivered = g.deliveredAt
          ? `delivered${g.acknowledgedAt ? ', acknowledged' : ''}`
          : 'not delivered';
        rows.push(
          row(
            { class: 'step-guidance' },
            '',
            g.severity,
            `${g.text} — ${delivered}; outcome ${g.outcome}`,
          ),
        );
      }
    }
  }
  $('timeline').replaceChildren(
    el(
      'p',
      { class: 'muted' },
      `${t.outcome.interventions} guidance: ${t.outcome.resolved} resolved, ${t.outcome.recurred} recurred, ${t.outcome.open} open. ${t.labels.length} labels.`,
    ),
    table(['step', 'kind', ''], rows),
  );
}

async function load() {
  const days = Number($('range').value);
  const to = new Date();
  const from = new Date(to.getTime() - days * 86_400_000);
  const range = `from=${from.toISOString()}&to=${to.toISOString()}`;
  $('status').textContent = 'Loading…';
  try {
    const [byDay, byCategory, bySubtype, counts, resolution, latency] = await Promise.all([
      api(`/v1/analytics/misbehaviour-rate?groupBy=day&${range}`),
      api(`/v1/analytics/misbehaviour-rate?groupBy=category&${range}`),
      api(`/v1/analytics/misbehaviour-rate?groupBy=subtype&${range}`),
      api(`/v1/analytics/counts?${range}`),
      api(`/v1/analytics/resolution?${range}`),
      api(`/v1/analytics/latency?${range}`),
    ]);
    tiles(byDay, counts, resolution, latency);
    dayChart($('chart-day'), byDay.rows);
    barChart($('chart-category'), byCategory.rows, 'No misbehaviour in this range.');
    barChart($('chart-subtype'), bySubtype.rows, 'No misbehaviour in this range.');
    resolutionTable(resolution);
    await Promise.all([experimentPanel(), sessionsPanel()]);
    $('dashboard').hidden = false;
    $('status').textContent = `Last ${days} days, loaded ${new Date().toLocaleTimeString()}.`;
    document.body.dataset.loaded = 'true';
  } catch (error) {
    $('status').textContent = `Could not load: ${error.message}`;
  }
}

$('controls').addEventListener('submit', (event) => {
  event.preventDefault();
  state.key = $('api-key').value.trim();
  sessionStorage.setItem('winkKey', state.key);
  load();
});

// A key in the fragment (#key=…) never reaches a server log; it is moved into the session's storage.
const fromFragment = new URLSearchParams(location.hash.slice(1)).get('key');
if (fromFragment) history.replaceState(null, '', location.pathname);
state.key = fromFragment ?? sessionStorage.getItem('winkKey') ?? '';
$('api-key').value = state.key;
if (state.key) {
  sessionStorage.setItem('winkKey', state.key);
  load();
}
