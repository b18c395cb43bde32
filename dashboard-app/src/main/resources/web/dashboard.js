'use strict';
// The kafka-sas dashboard: one page, a view per hash route (#/tasks, #/tasks/<id>, ...). Data comes from the
// dashboard's /api (the apps' APIs passed on with the signed-in caller's credential); live figures from
// /api/events. Everything shown is built with textContent, never parsed as HTML.

const state = { me: null, overview: null, points: [], chart: null, events: null, timer: null };
const ENDED = ['SUCCEEDED', 'CANCELLED', 'DEAD_LETTERED', 'REJECTED'];
const TASK_STATES = ['QUEUED', 'RUNNING', 'RETRY_WAIT', 'SUCCEEDED', 'CANCELLED', 'DEAD_LETTERED', 'REJECTED'];
const PAGE = 25;

// ---- helpers ----------------------------------------------------------------------------------------------------

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.substring(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function badge(text, extra) {
  return h('span', { class: 'badge ' + (text || '') + (extra ? ' ' + extra : ''), 'data-state': text }, text || '-');
}

function time(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString();
}

function duration(fromIso, toIso) {
  if (!fromIso || !toIso) return '';
  const ms = new Date(toIso) - new Date(fromIso);
  return ms < 1000 ? ms + ' ms' : (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s';
}

function may(role) {
  return state.me && state.me.roles.includes(role);
}

async function api(path, options) {
  const init = Object.assign({ credentials: 'same-origin', headers: {} }, options || {});
  if (init.method && init.method !== 'GET') {
    init.headers['X-Sas-Dashboard'] = '1';
    init.headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = { error: text }; }
  if (!response.ok) {
    const error = new Error((body && body.error) || ('HTTP ' + response.status));
    error.status = response.status;
    throw error;
  }
  return body;
}

function post(path, body) {
  return api(path, { method: 'POST', body: JSON.stringify(body || {}) });
}

function say(text, isError) {
  const box = document.getElementById('message');
  box.textContent = text;
  box.className = 'message' + (isError ? ' error' : '');
  clearTimeout(say.timer);
  say.timer = setTimeout(() => box.className = 'message hidden', isError ? 10000 : 4000);
}

async function act(button, what, call) {
  button.disabled = true;
  try {
    const result = await call();
    say(what + ': done');
    return result;
  } catch (e) {
    say(what + ': ' + e.message, true);
    return null;
  } finally {
    button.disabled = false;
  }
}

function table(headers, rows, testId) {
  return h('table', { 'data-test': testId },
    h('thead', {}, h('tr', {}, headers.map(x => h('th', { class: x.endsWith(' ') ? 'wide-only' : null }, x.trim())))),
    h('tbody', {}, rows));
}

function show(...children) {
  const view = document.getElementById('view');
  view.replaceChildren(...children.flat(Infinity).filter(c => c !== null && c !== undefined));
}

function repeat(ms, fn) {
  clearInterval(state.timer);
  state.timer = setInterval(() => fn().catch(() => {}), ms);
}

// ---- sign in ----------------------------------------------------------------------------------------------------

function loginView(reason) {
  const token = h('input', { type: 'password', id: 'token', autocomplete: 'current-password', placeholder: 'token' });
  const form = h('form', { class: 'panel login', onsubmit: async e => {
    e.preventDefault();
    try {
      await post('/login', { token: token.value });
      await start();
    } catch (err) {
      say('Sign in: ' + err.message, true);
    }
  } }, h('h1', {}, 'Sign in'), h('p', { class: 'muted' }, reason || 'Give a bearer token with the read role.'),
  token, ' ', h('button', { type: 'submit', id: 'sign-in' }, 'Sign in'));
  show(form);
}

function whoView() {
  const who = document.getElementById('who');
  if (!state.me || !state.me.authentication) {
    who.replaceChildren();
    return;
  }
  who.replaceChildren(h('span', { 'data-test': 'me' }, state.me.name + ' (' + state.me.roles.join(', ') + ')'),
    h('button', { class: 'secondary', onclick: async () => { await post('/logout'); location.reload(); } },
      'Sign out'));
}

// ---- live events ------------------------------------------------------------------------------------------------

function connect() {
  if (state.events) state.events.close();
  const events = new EventSource('/api/events');
  state.events = events;
  const live = document.getElementById('live');
  events.addEventListener('open', () => live.className = 'live on');
  events.addEventListener('error', () => live.className = 'live off');
  events.addEventListener('history', e => {
    state.points = JSON.parse(e.data).points;
    drawChart();
  });
  events.addEventListener('overview', e => {
    const overview = JSON.parse(e.data);
    state.overview = overview;
    const point = overview.rates;
    if (point && (!state.points.length || state.points[state.points.length - 1].t < point.t)) {
      state.points.push(point);
      if (state.points.length > 3600) state.points.shift();
    }
    if (currentPage() === 'overview') {
      fillOverview();
      drawChart();
    }
  });
}

// ---- overview ---------------------------------------------------------------------------------------------------

function card(id, label) {
  return h('div', { class: 'card', id: 'card-' + id },
    h('div', { class: 'label' }, label), h('div', { class: 'value' }, '…'), h('div', { class: 'detail' }));
}

function overviewView() {
  show(h('h1', {}, 'Overview'),
    h('div', { class: 'cards' }, card('rate', 'Tasks per second'), card('agents', 'Agents alive'),
      card('hosts', 'Hosts'), card('lag', 'Agents\' lag'), card('dead-letters', 'Dead letters')),
    h('div', { class: 'panel' }, h('h2', {}, 'Tasks per second'), h('div', { id: 'chart' })),
    h('div', { class: 'panel' }, h('h2', {}, 'Tasks by state'), h('div', { id: 'by-state' })),
    h('div', { class: 'panel hidden', id: 'problems' }));
  state.chart = null;
  fillOverview();
  drawChart();
}

function setCard(id, value, detail) {
  const el = document.getElementById('card-' + id);
  if (!el) return;
  el.querySelector('.value').textContent = value;
  el.querySelector('.detail').textContent = detail || '';
}

function fillOverview() {
  const o = state.overview;
  if (!o) return;
  const r = o.rates || {};
  setCard('rate', String(r.succeeded || 0),
    `succeeded · ${r.submitted || 0} submitted · ${r.started || 0} started · ${r.failed || 0} failed`);
  const agents = o.agents || {};
  setCard('agents', String(agents.ALIVE || 0), `${agents.SUSPECT || 0} suspect · ${agents.DEAD || 0} dead`);
  const hosts = o.hosts || {};
  setCard('hosts', String(Object.values(hosts).reduce((a, b) => a + b, 0)),
    Object.entries(hosts).map(([k, v]) => v + ' ' + k.toLowerCase()).join(' · '));
  const lag = o.lag || {};
  setCard('lag', String(lag.total === undefined ? '?' : lag.total),
    Object.entries(lag).filter(([k]) => k !== 'total').map(([k, v]) => k + ': ' + v).join(' · '));
  setCard('dead-letters', String(o.deadLetters || 0), 'read from the dead-letter topic');
  const byState = document.getElementById('by-state');
  if (byState && o.tasks) {
    byState.replaceChildren(table(TASK_STATES, [h('tr', {}, TASK_STATES.map(s =>
      h('td', { 'data-state': s }, h('a', { href: '#/tasks?state=' + s }, String(o.tasks[s] || 0)))))],
    'tasks-by-state'));
  }
  const problems = document.getElementById('problems');
  if (problems) {
    const list = Object.entries(o.problems || {});
    problems.className = list.length ? 'panel' : 'panel hidden';
    problems.replaceChildren(h('h2', {}, 'Not available'), h('ul', {}, list.map(([k, v]) => h('li', {}, k + ': ' + v))));
  }
}

function drawChart() {
  const box = document.getElementById('chart');
  if (!box || typeof uPlot === 'undefined') return;
  const p = state.points;
  const data = [p.map(x => x.t), p.map(x => x.submitted), p.map(x => x.started), p.map(x => x.succeeded),
    p.map(x => x.failed), p.map(x => x.deadLettered)];
  if (!state.chart) {
    const colors = ['#2856c7', '#805ad5', '#1f8a4c', '#dd6b20', '#c53030'];
    const names = ['submitted', 'started', 'succeeded', 'failed', 'dead-lettered'];
    state.chart = new uPlot({ width: Math.max(280, box.clientWidth - 10), height: 220,
      series: [{}].concat(names.map((n, i) => ({ label: n, stroke: colors[i], width: 2 }))),
      axes: [{}, { label: 'per second' }], scales: { x: { time: true } } }, data, box);
    window.addEventListener('resize', () => state.chart && state.chart.setSize(
      { width: Math.max(280, box.clientWidth - 10), height: 220 }));
  } else {
    state.chart.setData(data);
  }
}

// ---- tasks ------------------------------------------------------------------------------------------------------

function params() {
  const hash = location.hash;
  const q = hash.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : hash.substring(q + 1));
}

function tasksView() {
  const p = params();
  const field = (name, label) => h('label', {}, label, h('input', { name, id: 'filter-' + name,
    value: p.get(name) || '' }));
  const stateSelect = h('select', { name: 'state', id: 'filter-state' }, h('option', { value: '' }, 'any'),
    TASK_STATES.map(s => h('option', { value: s, selected: p.get('state') === s }, s)));
  const filters = h('form', { class: 'filters', id: 'task-filters', onsubmit: e => {
    e.preventDefault();
    const data = new FormData(e.target);
    const id = data.get('id').trim();
    if (id) {
      location.hash = '#/tasks/' + encodeURIComponent(id);
      return;
    }
    const q = new URLSearchParams();
    for (const [k, v] of data.entries()) if (v && k !== 'id') q.set(k, v);
    location.hash = '#/tasks?' + q.toString();
  } }, field('id', 'task id'), h('label', {}, 'state', stateSelect), field('type', 'type'), field('queue', 'queue'),
  field('submitter', 'submitted by'), field('agent', 'agent'), h('button', { type: 'submit', id: 'search' }, 'Search'));
  const list = h('div', { id: 'task-list' }, 'Loading…');
  show(h('h1', {}, 'Tasks'), h('div', { class: 'panel' }, filters), h('div', { class: 'panel' }, list),
    may('submit') ? submitForm() : null);
  loadTasks(list, p, p.get('after') || '');
}

async function loadTasks(list, p, after) {
  const q = new URLSearchParams();
  for (const k of ['state', 'type', 'queue', 'submitter', 'agent']) if (p.get(k)) q.set(k, p.get(k));
  q.set('limit', PAGE);
  if (after) q.set('after', after);
  try {
    const page = await api('/api/supervisor/tasks?' + q.toString());
    const rows = page.tasks.map(t => h('tr', { class: 'clickable', 'data-task': t.taskId,
      onclick: () => location.hash = '#/tasks/' + encodeURIComponent(t.taskId) },
    h('td', {}, h('a', { href: '#/tasks/' + encodeURIComponent(t.taskId) }, t.taskId)), h('td', {}, badge(t.state)),
    h('td', {}, t.type || ''), h('td', { class: 'wide-only' }, t.queue || ''),
    h('td', { class: 'wide-only' }, t.attempt), h('td', { class: 'wide-only' }, t.agentId || ''),
    h('td', { class: 'wide-only' }, time(t.updatedAt))));
    const next = page.next ? h('button', { class: 'secondary', id: 'next-page', onclick: () => {
      const n = new URLSearchParams(p);
      n.set('after', page.next);
      location.hash = '#/tasks?' + n.toString();
    } }, 'Next page') : null;
    list.replaceChildren(rows.length ? table(['task', 'state', 'type', 'queue ', 'attempt ', 'agent ', 'updated '],
      rows, 'tasks') : h('p', { class: 'muted' }, 'No task matches.'),
    h('div', { class: 'pager' }, after ? h('a', { href: '#/tasks' }, 'First page') : null, next));
  } catch (e) {
    list.replaceChildren(h('p', { class: 'muted' }, 'Cannot list tasks: ' + e.message));
  }
}

function submitForm() {
  const type = h('input', { name: 'type', id: 'submit-type', value: 'noop', required: true });
  const queue = h('input', { name: 'queue', id: 'submit-queue', placeholder: 'default' });
  const payload = h('textarea', { name: 'payload', id: 'submit-payload', placeholder: '{"ms": 1000}' });
  const button = h('button', { type: 'submit', id: 'submit-task' }, 'Submit');
  return h('div', { class: 'panel' }, h('h2', {}, 'Submit a task'), h('form', { class: 'filters', onsubmit: async e => {
    e.preventDefault();
    const request = { type: type.value.trim() };
    if (queue.value.trim()) request.queue = queue.value.trim();
    if (payload.value.trim()) {
      try { request.payload = JSON.parse(payload.value); } catch (err) { request.payload = payload.value; }
    }
    const answer = await act(button, 'Submit', () => post('/api/scheduler/tasks', request));
    if (answer && answer.taskId) location.hash = '#/tasks/' + encodeURIComponent(answer.taskId);
  } }, h('label', {}, 'type', type), h('label', {}, 'queue', queue), h('label', {}, 'payload (JSON)', payload), button));
}

async function taskView(id) {
  show(h('h1', {}, 'Task ', h('span', { id: 'task-id' }, id)), h('div', { id: 'task' }, 'Loading…'));
  const load = async () => {
    const box = document.getElementById('task');
    if (!box) return;
    let t;
    try {
      t = await api('/api/supervisor/tasks/' + encodeURIComponent(id));
    } catch (e) {
      box.replaceChildren(h('p', { class: 'muted' }, e.status === 404
        ? 'The supervisor does not know this task (yet).' : 'Cannot read the task: ' + e.message));
      return;
    }
    const letters = t.state === 'DEAD_LETTERED' || t.state === 'REJECTED'
      ? await api('/api/dead-letters?task=' + encodeURIComponent(id)).catch(() => null) : null;
    box.replaceChildren(...[taskFacts(t), attemptsPanel(t), letters && deadLetterPanel(letters.deadLetters)]
      .filter(Boolean));
    if (ENDED.includes(t.state)) clearInterval(state.timer);
  };
  await load();
  repeat(1000, load);
}

function taskFacts(t) {
  const cancel = may('operate') && !ENDED.includes(t.state) ? h('button', { class: 'danger', id: 'cancel-task',
    onclick: e => act(e.target, 'Cancel', () => post('/api/scheduler/tasks/' + encodeURIComponent(t.taskId)
      + '/cancel', { reason: 'cancelled from the dashboard' })) }, 'Cancel') : null;
  const facts = [['state', badge(t.state)], ['type', t.type], ['queue', t.queue], ['priority', t.priority],
    ['lane', t.lane], ['submitted by', t.submittedBy], ['limit', t.limitKey], ['waiting for', t.waitingFor],
    ['attempt', t.attempt], ['agent', t.agentId], ['deadline', time(t.deadline)], ['retry at', time(t.retryAt)],
    ['updated', time(t.updatedAt)], ['error', t.error ? t.error.type + ': ' + t.error.message : null],
    ['result', t.result !== undefined ? t.result : t.resultBase64]];
  return h('div', { class: 'panel' }, h('dl', { class: 'facts', id: 'task-facts' }, facts
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => [h('dt', {}, k), h('dd', { 'data-fact': k }, v)])), cancel ? h('p', {}, cancel) : null);
}

function attemptsPanel(t) {
  const attempts = t.attempts || [];
  const starts = attempts.map(a => a.startedAt).filter(Boolean).map(x => new Date(x).getTime());
  const ends = attempts.map(a => a.endedAt || (a.startedAt ? new Date().toISOString() : null)).filter(Boolean)
    .map(x => new Date(x).getTime());
  const from = Math.min(...starts);
  const span = Math.max(1, Math.max(...ends) - from);
  const bar = a => {
    const line = h('div', { class: 'timeline' });
    if (a.startedAt) {
      const start = new Date(a.startedAt).getTime();
      const end = a.endedAt ? new Date(a.endedAt).getTime() : Date.now();
      const el = h('div', { class: 'bar ' + a.outcome, title: a.outcome });
      el.style.left = ((start - from) / span * 100) + '%';
      el.style.width = Math.max(0.5, (end - start) / span * 100) + '%';
      line.append(el);
    }
    return line;
  };
  const rows = attempts.map(a => h('tr', { 'data-attempt': a.attempt }, h('td', {}, a.attempt),
    h('td', {}, a.agentId || ''), h('td', {}, badge(a.outcome)), h('td', { class: 'wide-only' }, time(a.startedAt)),
    h('td', {}, duration(a.startedAt, a.endedAt)),
    h('td', { class: 'wrap' }, a.error ? a.error.type + ': ' + a.error.message : ''), h('td', {}, bar(a))));
  return h('div', { class: 'panel' }, h('h2', {}, 'Attempts'), rows.length
    ? table(['#', 'agent', 'outcome', 'started ', 'took', 'error', 'timeline'], rows, 'attempts')
    : h('p', { class: 'muted' }, 'No attempt has started yet.'));
}

// ---- agents and hosts -------------------------------------------------------------------------------------------

async function agentsView() {
  show(h('h1', {}, 'Agents and hosts'), h('div', { class: 'panel', id: 'agents' }, 'Loading…'),
    h('div', { class: 'panel', id: 'hosts' }));
  const load = async () => {
    const [agents, hosts] = await Promise.all([api('/api/supervisor/agents'), api('/api/supervisor/hosts')]);
    const slots = {};
    for (const host of hosts.hosts) for (const slot of host.slots || []) slots[slot.agentId] = slot;
    const command = (a, what, label, cls) => may('operate') ? h('button', { class: cls, 'data-command': what,
      onclick: e => act(e.target, label + ' ' + a.agentId, () => post('/api/agents/' + encodeURIComponent(a.agentId)
        + '/' + what)) }, label) : null;
    const rows = agents.agents.map(a => {
      const slot = slots[a.agentId] || {};
      return h('tr', { 'data-agent': a.agentId }, h('td', {}, a.agentId), h('td', {}, badge(a.state)),
        h('td', {}, badge(a.activity, 'process')), h('td', { class: 'wide-only' }, a.hostId || ''),
        h('td', { class: 'wide-only' }, a.incarnation), h('td', {}, h('a', { href: '#/tasks?state=RUNNING&agent='
          + encodeURIComponent(a.agentId), title: 'its running tasks' }, a.inFlight + ' / ' + a.capacity)),
        h('td', {}, a.restarts), h('td', { class: 'wide-only' }, slot.lastExitCode ?? ''),
        h('td', { class: 'wide-only' }, time(a.lastHeartbeatAt)),
        h('td', {}, h('span', { class: 'actions' }, command(a, 'drain', 'Drain', 'secondary'),
          command(a, 'restart', 'Restart', 'danger'))));
    });
    const hostRows = hosts.hosts.map(x => h('tr', { 'data-host': x.hostId }, h('td', {}, x.hostId),
      h('td', {}, badge(x.state, 'process')), h('td', {}, x.pid ?? ''), h('td', {}, (x.slots || []).length),
      h('td', {}, time(x.lastHeartbeatAt))));
    const agentsBox = document.getElementById('agents');
    if (!agentsBox) return;
    agentsBox.replaceChildren(h('h2', {}, 'Agents'), rows.length ? table(['agent', 'liveness', 'activity',
      'host ', 'incarnation ', 'in flight', 'restarts', 'last exit ', 'last heartbeat ', ''], rows, 'agents')
      : h('p', { class: 'muted' }, 'No agent has sent a heartbeat.'));
    document.getElementById('hosts').replaceChildren(h('h2', {}, 'Hosts'), hostRows.length
      ? table(['host', 'state', 'pid', 'agents', 'last heartbeat'], hostRows, 'hosts')
      : h('p', { class: 'muted' }, 'No agent host runs.'));
  };
  await load().catch(e => say('Agents: ' + e.message, true));
  repeat(2000, load);
}

// ---- dead letters -----------------------------------------------------------------------------------------------

function deadLetterPanel(letters) {
  if (!letters || !letters.length) return null;
  return h('div', { class: 'panel' }, h('h2', {}, 'Dead letter'), letters.map(letterDetails));
}

function letterDetails(l) {
  return h('details', { 'data-letter': l.at }, h('summary', {}, l.at + ' · ' + (l.reason || 'undecodable') + ' · '
    + (l.message || l.problem || '')), h('pre', {}, JSON.stringify(l, null, 2)));
}

function deadLettersView() {
  const p = params();
  const reason = h('input', { name: 'reason', id: 'filter-reason', value: p.get('reason') || '',
    placeholder: 'RETRIES_EXHAUSTED' });
  const task = h('input', { name: 'task', id: 'filter-task', value: p.get('task') || '' });
  const filters = h('form', { class: 'filters', onsubmit: e => {
    e.preventDefault();
    const q = new URLSearchParams();
    if (reason.value.trim()) q.set('reason', reason.value.trim());
    if (task.value.trim()) q.set('task', task.value.trim());
    location.hash = '#/dead-letters?' + q.toString();
  } }, h('label', {}, 'reason', reason), h('label', {}, 'task id', task), h('button', { type: 'submit' }, 'Filter'),
  may('operate') ? h('button', { type: 'button', class: 'danger', id: 'replay-matching', onclick: e => {
    const filter = {};
    if (p.get('reason')) filter.reason = p.get('reason');
    if (p.get('task')) filter.task = p.get('task');
    if (!filter.reason && !filter.task) filter.all = true;
    if (confirm('Replay every dead letter that matches these filters?')) {
      act(e.target, 'Replay', () => post('/api/dead-letters/replay', filter));
    }
  } }, 'Replay all that match') : null);
  const list = h('div', { id: 'dead-letter-list' }, 'Loading…');
  show(h('h1', {}, 'Dead letters'), h('div', { class: 'panel' }, filters), h('div', { class: 'panel' }, list));
  loadLetters(list, p);
}

async function loadLetters(list, p) {
  const q = new URLSearchParams(p);
  q.set('limit', PAGE);
  try {
    const page = await api('/api/dead-letters?' + q.toString());
    const rows = page.deadLetters.map(l => {
      const details = h('tr', { class: 'hidden' }, h('td', { colspan: 7 }, h('pre', {}, JSON.stringify(l, null, 2))));
      const replay = may('operate') && l.replay !== 'none' ? h('button', { class: 'secondary', 'data-replay': l.at,
        onclick: async e => {
          e.stopPropagation();
          const answer = await act(e.target, 'Replay ' + l.at, () => post('/api/dead-letters/replay', { at: [l.at] }));
          if (answer && answer.replayed[0] && answer.replayed[0].newTaskId) {
            say('Replayed ' + l.at + ' as task ' + answer.replayed[0].newTaskId);
          }
        } }, 'Replay') : null;
      const row = h('tr', { class: 'clickable', 'data-letter': l.at, onclick: () => details.classList.toggle('hidden') },
        h('td', {}, l.at), h('td', { class: 'wide-only' }, time(l.writtenAt)), h('td', {}, badge(l.reason || 'UNDECODABLE')),
        h('td', {}, l.taskId ? h('a', { href: '#/tasks/' + encodeURIComponent(l.taskId),
          onclick: e => e.stopPropagation() }, l.taskId) : ''),
        h('td', { class: 'wide-only' }, l.sourceTopic || ''), h('td', { class: 'wrap' }, l.message || l.problem || ''),
        h('td', {}, replay));
      return [row, details];
    });
    const next = page.next ? h('button', { class: 'secondary', onclick: () => {
      const n = new URLSearchParams(p);
      n.set('before', page.next);
      location.hash = '#/dead-letters?' + n.toString();
    } }, 'Older') : null;
    list.replaceChildren(h('p', { class: 'muted' }, page.total + ' read from the topic; newest first.'),
      rows.length ? table(['at', 'written ', 'reason', 'task', 'from ', 'message', ''], rows, 'dead-letters')
        : h('p', { class: 'muted' }, 'No dead letter matches.'), h('div', { class: 'pager' }, next));
  } catch (e) {
    list.replaceChildren(h('p', { class: 'muted' }, 'Cannot list dead letters: ' + e.message));
  }
}

// ---- schedules --------------------------------------------------------------------------------------------------

async function schedulesView() {
  show(h('h1', {}, 'Schedules'), h('div', { class: 'panel', id: 'schedules' }, 'Loading…'));
  const load = async () => {
    const page = await api('/api/scheduler/schedules?limit=200');
    const button = (s, what, label) => may('operate') ? h('button', { class: 'secondary', 'data-command': what,
      onclick: e => act(e.target, label + ' ' + s.scheduleId, () => post('/api/scheduler/schedules/'
        + encodeURIComponent(s.scheduleId) + '/' + what, what === 'pause' ? { note: 'paused from the dashboard' }
        : {}).then(load)) }, label) : null;
    const rows = page.schedules.map(s => h('tr', { 'data-schedule': s.scheduleId }, h('td', {}, s.scheduleId),
      h('td', {}, s.spec), h('td', {}, s.paused ? badge('PAUSED') : badge('ACTIVE', 'SUCCEEDED')),
      h('td', {}, time((s.nextRuns || [])[0])),
      h('td', { class: 'wrap' }, (s.recentRuns || []).slice(-5).reverse().map(r => [badge(r.state), ' ',
        r.taskId ? h('a', { href: '#/tasks/' + encodeURIComponent(r.taskId) }, time(r.slot)) : time(r.slot), ' '])),
      h('td', { class: 'wide-only' }, s.fired), h('td', {}, h('span', { class: 'actions' },
        s.paused ? button(s, 'resume', 'Resume') : button(s, 'pause', 'Pause'), button(s, 'trigger', 'Run now')))));
    const box = document.getElementById('schedules');
    if (!box) return;
    box.replaceChildren(rows.length ? table(['schedule', 'when', 'state', 'next run', 'recent runs', 'fired ', ''],
      rows, 'schedules') : h('p', { class: 'muted' }, 'No schedule.'));
  };
  await load().catch(e => say('Schedules: ' + e.message, true));
  repeat(5000, load);
}

// ---- pipelines --------------------------------------------------------------------------------------------------

async function pipelinesView() {
  show(h('h1', {}, 'Pipelines'), h('div', { class: 'panel', id: 'pipelines' }, 'Loading…'));
  const load = async () => {
    const page = await api('/api/scheduler/pipelines?limit=200');
    const rows = page.pipelines.map(x => h('tr', { class: 'clickable', 'data-pipeline': x.pipelineId,
      onclick: () => location.hash = '#/pipelines/' + encodeURIComponent(x.pipelineId) },
    h('td', {}, h('a', { href: '#/pipelines/' + encodeURIComponent(x.pipelineId) }, x.pipelineId)),
    h('td', {}, x.name), h('td', {}, badge(x.state)),
    h('td', { class: 'wide-only' }, (x.steps || []).filter(s => s.state === 'SUCCEEDED').length + ' / '
      + (x.steps || []).length), h('td', { class: 'wide-only' }, time(x.updatedAt))));
    const box = document.getElementById('pipelines');
    if (!box) return;
    box.replaceChildren(rows.length ? table(['pipeline', 'name', 'state', 'steps done ', 'updated '], rows,
      'pipelines') : h('p', { class: 'muted' }, 'No pipeline.'));
  };
  await load().catch(e => say('Pipelines: ' + e.message, true));
  repeat(5000, load);
}

async function pipelineView(id) {
  show(h('h1', {}, 'Pipeline ', h('span', { id: 'pipeline-id' }, id)), h('div', { id: 'pipeline' }, 'Loading…'));
  const load = async () => {
    const x = await api('/api/scheduler/pipelines/' + encodeURIComponent(id));
    const box = document.getElementById('pipeline');
    if (!box) return;
    const cancel = may('operate') && ['RUNNING'].includes(x.state) ? h('button', { class: 'danger',
      onclick: e => act(e.target, 'Cancel', () => post('/api/scheduler/pipelines/' + encodeURIComponent(id)
        + '/cancel', { reason: 'cancelled from the dashboard' })) }, 'Cancel') : null;
    const rows = x.steps.map(s => h('tr', { 'data-step': s.name }, h('td', {}, s.name), h('td', {}, badge(s.state)),
      h('td', {}, (s.dependsOn || []).join(', ')), h('td', {}, s.attempts),
      h('td', { class: 'wide-only' }, time(s.startedAt)), h('td', {}, duration(s.startedAt, s.endedAt)),
      h('td', { class: 'wrap' }, s.error || s.result || '')));
    box.replaceChildren(h('div', { class: 'panel' }, h('p', {}, badge(x.state), ' ', x.name, ' · submitted ',
      time(x.submittedAt), x.submittedBy ? ' by ' + x.submittedBy : '', x.failure ? ' · ' + x.failure : ''),
    dag(x.steps), cancel), h('div', { class: 'panel' }, table(['step', 'state', 'after', 'attempts', 'started ',
      'took', 'result or error'], rows, 'steps')));
    if (x.state !== 'RUNNING' && x.state !== 'COMPENSATING') clearInterval(state.timer);
  };
  await load().catch(e => say('Pipeline: ' + e.message, true));
  repeat(2000, load);
}

/** The steps as boxes in columns by depth (a step stands right of every step it waits for), arrows between. */
function dag(steps) {
  const NS = 'http://www.w3.org/2000/svg';
  const el = (tag, attrs, text) => {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const byName = Object.fromEntries(steps.map(s => [s.name, s]));
  const depth = {};
  const depthOf = name => {
    if (depth[name] !== undefined) return depth[name];
    depth[name] = 0;
    const deps = (byName[name] && byName[name].dependsOn) || [];
    depth[name] = deps.length ? 1 + Math.max(...deps.map(depthOf)) : 0;
    return depth[name];
  };
  steps.forEach(s => depthOf(s.name));
  const columns = [];
  steps.forEach(s => (columns[depth[s.name]] = columns[depth[s.name]] || []).push(s));
  const W = 130, H = 44, GX = 50, GY = 16;
  const pos = {};
  columns.forEach((col, c) => col.forEach((s, r) => pos[s.name] = { x: 10 + c * (W + GX), y: 10 + r * (H + GY) }));
  const width = 20 + columns.length * (W + GX) - GX;
  const height = 20 + Math.max(...columns.map(c => c.length)) * (H + GY) - GY;
  const svg = el('svg', { class: 'dag', id: 'dag', viewBox: `0 0 ${width} ${height}`, width, height });
  const defs = el('defs', {});
  const marker = el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 6,
    markerHeight: 6, orient: 'auto-start-reverse' });
  marker.append(el('path', { d: 'M 0 0 L 10 5 L 0 10 z' }));
  defs.append(marker);
  svg.append(defs);
  for (const s of steps) {
    for (const d of s.dependsOn || []) {
      if (!pos[d]) continue;
      const a = pos[d], b = pos[s.name];
      svg.append(el('path', { d: `M ${a.x + W} ${a.y + H / 2} C ${a.x + W + GX / 2} ${a.y + H / 2}, `
        + `${b.x - GX / 2} ${b.y + H / 2}, ${b.x} ${b.y + H / 2}` }));
    }
  }
  for (const s of steps) {
    const p = pos[s.name];
    const g = el('g', { 'data-step': s.name, 'data-state': s.state });
    g.append(el('rect', { x: p.x, y: p.y, width: W, height: H, class: s.state }),
      el('text', { x: p.x + 8, y: p.y + 18 }, s.name), el('text', { x: p.x + 8, y: p.y + 34, class: 'state' }, s.state));
    svg.append(g);
  }
  return svg;
}

// ---- routing ----------------------------------------------------------------------------------------------------

function currentPage() {
  const path = location.hash.replace(/^#/, '').split('?')[0];
  const parts = path.split('/').filter(Boolean);
  return parts[0] || 'overview';
}

function route() {
  clearInterval(state.timer);
  const path = location.hash.replace(/^#/, '').split('?')[0];
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const page = parts[0] || 'overview';
  document.querySelectorAll('#nav a').forEach(a => a.classList.toggle('active', a.dataset.page === page));
  if (page === 'tasks' && parts[1]) return taskView(parts[1]);
  if (page === 'pipelines' && parts[1]) return pipelineView(parts[1]);
  const views = { overview: overviewView, tasks: tasksView, agents: agentsView, 'dead-letters': deadLettersView,
    schedules: schedulesView, pipelines: pipelinesView };
  return (views[page] || overviewView)();
}

async function start() {
  try {
    state.me = await api('/api/me');
  } catch (e) {
    if (e.status === 401 || e.status === 403) {
      loginView(e.status === 403 ? 'That token lacks the read role.' : null);
      return;
    }
    show(h('p', {}, 'The dashboard does not answer: ' + e.message));
    return;
  }
  whoView();
  connect();
  route();
}

window.addEventListener('hashchange', () => state.me && route());
document.addEventListener('DOMContentLoaded', start);
