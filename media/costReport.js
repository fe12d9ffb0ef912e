// Ladder cost report webview. Plain DOM and inline SVG, no libraries and no inline
// scripts, so it runs under a strict CSP (script-src ${webview.cspSource} only).
//
// The extension posts one message shape (src/core/ledger/report.ts, CostReportMessage):
//   { type: 'costReport',
//     tasks: [{ taskId, command, workspace, firstTime, lastTime, calls, micros, tiers: ['H','O'],
//               finalTier, models: [...], escalations, fallbacks, outcome, verdict? }],
//     perTierPerDay: [{ day: 'YYYY-MM-DD', tier: 'H'|'S'|'O'|'F', calls, micros }],
//     axis: { topMicros, ticks: [{ micros, label }] },
//     routes: [{ stepType, tier, calls, micros, escalated, accepted, rejected, startsOn? }],
//     totals: { label, micros, calls, cacheSavingsMicros, opusMicros, opusModel, escalations,
//               fallbacks, allTimeMicros } }
// A task's "When" button asks for its calls ({ type: 'taskCalls', taskId }); the extension
// answers with TaskCallsMessage ({ type: 'taskCalls', taskId, calls: [...], total }).
// Non-ASCII text is written as \u escapes so the file decodes the same whatever charset
// the page declares. Money is integer micro-dollars. On load the script posts { type: 'ready' } so the
// extension knows when to send; the last report is kept with setState for reloads.
(function () {
  'use strict';

  const TIERS = ['H', 'S', 'O', 'F'];
  const TIER_NAMES = { H: 'H \u00b7 labour', S: 'S \u00b7 execute', O: 'O \u00b7 judgment', F: 'F \u00b7 exception' };
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const vscode = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
  const root = document.getElementById('cost-report') || document.body;
  /** Tasks whose calls are shown, and the calls the extension sent for them (by task id). */
  const open = new Set();
  const details = new Map();
  /** How many calls each opened task had when its calls were asked for. */
  const asked = new Map();
  let sortKey = 'lastTime';
  let sortDescending = true;
  let current;

  /** A whole number with thousands separators: 12,345. */
  function count(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }

  /**
   * Integer micro-dollars to "$1,234.56" (cents), "$0.0042" below a cent or "<$0.0001", no
   * float sums: as formatUsd in src/core/ledger/format.ts, which the status bar uses.
   */
  function usd(micros) {
    const negative = micros < 0;
    const abs = Math.abs(Math.trunc(micros));
    if (abs > 0 && abs < 50) return negative ? '>-$0.0001' : '<$0.0001';
    const decimals = abs === 0 || abs >= 10000 ? 2 : 4;
    const step = Math.pow(10, 6 - decimals);
    const rounded = Math.floor((abs + step / 2) / step);
    const scale = Math.pow(10, decimals);
    const whole = count(Math.floor(rounded / scale));
    const fraction = String(rounded % scale).padStart(decimals, '0');
    return (negative ? '-' : '') + '$' + whole + '.' + fraction;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svg(tag, attributes) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const key of Object.keys(attributes || {})) node.setAttribute(key, String(attributes[key]));
    return node;
  }

  function shortTime(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    return date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  }

  function renderTotals(totals) {
    const section = el('section', 'totals');
    section.setAttribute('aria-label', 'Totals');
    // Worded by the extension (core's opusComparison and budgetCard), as the status-bar tooltip words them.
    const vs = totals.vsOpus;
    const items = [
      [totals.label, usd(totals.micros), totals.calls + (totals.calls === 1 ? ' call' : ' calls')],
      ['Cache savings', usd(totals.cacheSavingsMicros), 'cache reads vs uncached input'],
      [vs.direction === 'saved' ? 'Saved vs all-Opus' : 'Extra vs all-Opus', vs.difference + (vs.percent ? ' (' + vs.percent + ')' : ''), 'all-Opus (' + totals.opusModel + '): ' + vs.allOpus],
      ['Escalations \u00b7 fallbacks', totals.escalations + ' \u00b7 ' + totals.fallbacks, 'all loaded: ' + usd(totals.allTimeMicros)],
    ];
    if (totals.budget) items.push([totals.budget.label, totals.budget.value, totals.budget.note, totals.budget.state]);
    for (const [label, value, note, state] of items) {
      const card = el('div', 'total' + (state && state !== 'ok' ? ' budget-' + state : ''));
      card.appendChild(el('div', 'total-label', label));
      card.appendChild(el('div', 'total-value', value));
      card.appendChild(el('div', 'total-note', note));
      section.appendChild(card);
    }
    return section;
  }

  function renderChart(points, given) {
    const section = el('section', 'chart');
    section.appendChild(el('h2', undefined, 'Cost per day by tier'));
    const days = Array.from(new Set(points.map((p) => p.day))).sort();
    if (days.length === 0) {
      section.appendChild(el('p', 'empty', 'No calls in this period.'));
      return section;
    }
    const byDay = new Map(days.map((d) => [d, { H: 0, S: 0, O: 0, F: 0, total: 0, calls: 0 }]));
    for (const p of points) {
      const day = byDay.get(p.day);
      day[p.tier] += p.micros;
      day.total += p.micros;
      day.calls += p.calls;
    }
    const highest = Math.max(0, ...Array.from(byDay.values(), (d) => d.total));
    // The extension sends the value axis (src/core/ledger/report.ts, chartAxis): round ticks,
    // alike labels. A report restored from an older state has none: 0 and the highest day.
    const axis = given || { topMicros: highest, ticks: [{ micros: 0, label: usd(0) }, { micros: highest, label: usd(highest) }] };
    const max = Math.max(1, axis.topMicros);
    const width = 640;
    const height = 220;
    const left = 56;
    const bottom = 28;
    const plotHeight = height - bottom - 8;
    const slot = (width - left) / days.length;
    const barWidth = Math.max(2, Math.min(28, slot * 0.7));
    const chart = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, role: 'img', class: 'bars' });
    chart.setAttribute('aria-label', 'Cost per day by tier over ' + days.length + ' days; highest day ' + usd(highest));
    for (const tick of axis.ticks) {
      const y = 8 + plotHeight * (1 - tick.micros / max);
      chart.appendChild(svg('line', { x1: left, x2: width, y1: y, y2: y, class: 'grid' }));
      const label = svg('text', { x: left - 6, y: y + 4, class: 'axis', 'text-anchor': 'end' });
      label.textContent = tick.label;
      chart.appendChild(label);
    }
    days.forEach((dayKey, index) => {
      const day = byDay.get(dayKey);
      const x = left + slot * index + (slot - barWidth) / 2;
      let y = 8 + plotHeight;
      for (const tier of TIERS) {
        if (day[tier] <= 0) continue;
        const h = (day[tier] / max) * plotHeight;
        y -= h;
        const rect = svg('rect', { x: x, y: y, width: barWidth, height: Math.max(h, 0.5), class: 'tier-' + tier });
        const title = svg('title');
        title.textContent = dayKey + ' \u00b7 ' + TIER_NAMES[tier] + ': ' + usd(day[tier]);
        rect.appendChild(title);
        chart.appendChild(rect);
      }
      const every = Math.ceil(days.length / 10);
      if (index % every === 0) {
        const label = svg('text', { x: x + barWidth / 2, y: height - 10, class: 'axis', 'text-anchor': 'middle' });
        label.textContent = dayKey.slice(5);
        chart.appendChild(label);
      }
    });
    section.appendChild(chart);
    const legend = el('ul', 'legend');
    for (const tier of TIERS) {
      const item = el('li');
      item.appendChild(el('span', 'swatch tier-' + tier));
      item.appendChild(document.createTextNode(TIER_NAMES[tier]));
      legend.appendChild(item);
    }
    section.appendChild(legend);
    return section;
  }

  /** A step type as a person reads it: "securityReview" -> "security review". */
  function stepName(stepType) {
    if (stepType === 'difficulty') return 'difficulty check';
    if (stepType === 'reviewJudge') return 'review judgment';
    return stepType.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  }

  const ROUTE_COLUMNS = [
    { label: 'Step', render: (r) => stepName(r.stepType) },
    { label: 'Tier', render: (r) => TIER_NAMES[r.tier] || r.tier },
    { label: 'Calls', render: (r) => String(r.calls), numeric: true },
    { label: 'Cost', render: (r) => r.cost, numeric: true },
    {
      label: 'Kept',
      render: (r) => (r.accepted + r.rejected === 0 ? '\u2014' : r.accepted + ' of ' + (r.accepted + r.rejected)) + (r.startsOn ? ' \u2192 ' + r.startsOn : ''),
      numeric: true,
      title: 'Edits you accepted, of those you accepted or rejected. "\u2192 S": you rejected enough of them in this workspace that this step now starts on that tier',
      cellTitle: (r) => (r.startsOn ? 'You rejected enough of these edits in this workspace that ' + stepName(r.stepType) + ' now starts on ' + (TIER_NAMES[r.startsOn] || r.startsOn) : ''),
    },
    { label: 'Went up', render: (r) => String(r.escalated), numeric: true, title: 'Calls whose answer failed its check and was redone a tier up' },
  ];

  function renderRoutes(routes) {
    const section = el('section', 'routes');
    section.setAttribute('aria-label', 'Routes');
    section.appendChild(el('h2', undefined, 'Routes'));
    section.appendChild(el('p', 'note', 'Each step type on each tier, over everything recorded: what it cost, how often its answer went a tier up, and how often you kept its edits.'));
    if (routes.length === 0) {
      section.appendChild(el('p', 'empty', 'No calls yet.'));
      return section;
    }
    section.appendChild(dataTable(ROUTE_COLUMNS, routes, (th, c) => {
      th.textContent = c.label;
      if (c.title) th.title = c.title;
    }));
    return section;
  }

  /**
   * A table with one cell per column for each row, in its sideways scroller. `headCell(th, c)`
   * fills a column's header; `rowTitle(row)`, when given, titles a row; a column's
   * `cellTitle(row)` titles its cell.
   */
  function dataTable(columns, rows, headCell, rowTitle) {
    const headRow = el('tr');
    for (const c of columns) {
      const th = el('th', c.numeric ? 'numeric' : '');
      th.setAttribute('scope', 'col');
      headCell(th, c);
      headRow.appendChild(th);
    }
    const head = el('thead');
    head.appendChild(headRow);
    const body = el('tbody');
    for (const row of rows) {
      const tr = el('tr');
      if (rowTitle) tr.title = rowTitle(row);
      for (const c of columns) {
        const td = el('td', c.numeric ? 'numeric' : '', c.render(row));
        const title = c.cellTitle ? c.cellTitle(row) : '';
        if (title) td.title = title;
        tr.appendChild(td);
      }
      body.appendChild(tr);
    }
    const table = el('table');
    table.appendChild(head);
    table.appendChild(body);
    return scroller(table);
  }

  /** A wide table scrolls sideways in a narrow editor group instead of hiding its last columns. */
  function scroller(table) {
    const box = el('div', 'scroller');
    box.appendChild(table);
    return box;
  }

  const COLUMNS = [
    { key: 'lastTime', label: 'When', value: (t) => t.lastTime, render: (t) => shortTime(t.lastTime) },
    { key: 'command', label: 'Command', value: (t) => t.command, render: (t) => t.command },
    { key: 'tiers', label: 'Route', value: (t) => t.tiers.join(''), render: (t) => t.tiers.join(' \u2192 ') },
    { key: 'calls', label: 'Calls', value: (t) => t.calls, render: (t) => String(t.calls), numeric: true },
    { key: 'micros', label: 'Cost', value: (t) => t.micros, render: (t) => t.cost, numeric: true },
    { key: 'escalations', label: 'Esc. / fallb.', value: (t) => t.escalations + t.fallbacks, render: (t) => t.escalations + ' / ' + t.fallbacks, numeric: true },
    { key: 'outcome', label: 'Outcome', value: (t) => t.outcome, render: (t) => t.outcome },
    { key: 'verdict', label: 'Verdict', value: (t) => t.verdict || '', render: (t) => t.verdict || '\u2014' },
  ];

  function renderTasks(tasks) {
    const section = el('section', 'tasks');
    section.appendChild(el('h2', undefined, 'Tasks'));
    if (tasks.length === 0) {
      section.appendChild(el('p', 'empty', 'No tasks yet.'));
      return section;
    }
    const column = COLUMNS.find((c) => c.key === sortKey) || COLUMNS[0];
    const rows = tasks.slice().sort((a, b) => {
      const x = column.value(a);
      const y = column.value(b);
      const order = x < y ? -1 : x > y ? 1 : 0;
      return sortDescending ? -order : order;
    });
    section.appendChild(dataTable(COLUMNS, rows, (th, c) => {
      const button = el('button', 'sort', c.label);
      button.type = 'button';
      button.dataset.focusKey = 'sort:' + c.key;
      if (c.key === sortKey) th.setAttribute('aria-sort', sortDescending ? 'descending' : 'ascending');
      button.addEventListener('click', () => {
        sortDescending = c.key === sortKey ? !sortDescending : true;
        sortKey = c.key;
        render();
      });
      th.appendChild(button);
    }, (task) => task.taskId + ' \u00b7 ' + task.models.join(', ')));
    // Each task's "When" opens its calls beneath it: usage and cost of every billed attempt.
    const trs = section.querySelectorAll('tbody tr');
    rows.forEach((task, i) => {
      const tr = trs[i];
      if (!tr) return;
      const cell = tr.firstChild;
      const opened = open.has(task.taskId);
      const button = el('button', 'disclose', (opened ? '\u25be ' : '\u25b8 ') + cell.textContent);
      button.type = 'button';
      button.dataset.focusKey = 'calls:' + task.taskId;
      button.setAttribute('aria-expanded', String(opened));
      button.setAttribute('aria-label', (opened ? 'Hide' : 'Show') + ' the calls of the ' + task.command + ' task of ' + cell.textContent);
      button.addEventListener('click', () => {
        if (open.has(task.taskId)) open.delete(task.taskId);
        else open.add(task.taskId);
        render();
      });
      cell.textContent = '';
      cell.appendChild(button);
      if (opened) {
        // A task still running has gained calls since they were asked for: ask again, once per count.
        if (asked.get(task.taskId) !== task.calls) askCalls(task);
        tr.after(callsRow(task, COLUMNS.length));
      }
    });
    return section;
  }

  function askCalls(task) {
    asked.set(task.taskId, task.calls);
    if (vscode) vscode.postMessage({ type: 'taskCalls', taskId: task.taskId });
  }

  // Compact enough for a narrow editor group: the time and the route's reason are the row's tooltip.
  const CALL_COLUMNS = [
    { label: 'Call', render: (c) => c.model + ' (' + c.tier + ') \u00b7 ' + c.stepType + (c.attempt > 1 ? ' #' + c.attempt : '') },
    { label: 'Outcome', render: (c) => c.outcome },
    { label: 'Uncached in', title: 'Input tokens outside the cache, at the full input rate: the prompt less its cache writes and reads', render: (c) => count(c.input), numeric: true },
    { label: 'Write', title: 'Cache write tokens', render: (c) => count(c.cacheWrite), numeric: true },
    { label: 'Read', title: 'Cache read tokens', render: (c) => count(c.cacheRead), numeric: true },
    { label: 'Out', title: 'Output tokens', render: (c) => count(c.output), numeric: true },
    { label: 'Cost', render: (c) => c.cost, numeric: true },
  ];

  /** The row beneath an opened task: its calls as the ledger has them, or a wait. */
  function callsRow(task, span) {
    const tr = el('tr', 'task-calls');
    const td = el('td');
    td.colSpan = span;
    tr.appendChild(td);
    const data = details.get(task.taskId);
    if (!data) {
      td.appendChild(el('p', 'empty', 'Reading the calls of this task from the ledger\u2026'));
      return tr;
    }
    const table = dataTable(CALL_COLUMNS, data.calls, (th, c) => {
      th.textContent = c.label;
      if (c.title) th.title = c.title;
    }, (c) => shortTime(c.time) + ' \u00b7 ' + c.reason + (c.cacheMiss ? ' \u00b7 cache miss: ' + c.cacheMiss : ''));
    table.querySelector('table').setAttribute('aria-label', 'Calls of the ' + task.command + ' task');
    const foot = el('tfoot');
    const total = el('tr');
    total.appendChild(el('th', '', 'Total'));
    const sum = el('td', 'numeric', data.total);
    sum.colSpan = CALL_COLUMNS.length - 1;
    total.appendChild(sum);
    foot.appendChild(total);
    table.querySelector('table').appendChild(foot);
    td.appendChild(table);
    return tr;
  }

  function render() {
    // Everything is drawn afresh: the button that had the keyboard (a sort, a task's calls) gets it back.
    const active = document.activeElement;
    const focusKey = active && active.dataset ? active.dataset.focusKey : undefined;
    root.textContent = '';
    if (!current) {
      root.appendChild(el('p', 'empty', 'Loading the cost ledger\u2026'));
      return;
    }
    root.appendChild(renderTotals(current.totals));
    root.appendChild(renderChart(current.perTierPerDay || [], current.axis));
    root.appendChild(renderRoutes(current.routes || []));
    root.appendChild(renderTasks(current.tasks || []));
    if (focusKey !== undefined) {
      const again = Array.from(root.querySelectorAll('button')).find((b) => b.dataset.focusKey === focusKey);
      if (again) again.focus();
    }
  }

  window.addEventListener('message', (event) => {
    const data = event.data;
    if (data && data.type === 'taskCalls' && typeof data.taskId === 'string' && Array.isArray(data.calls)) {
      details.set(data.taskId, data);
      if (open.has(data.taskId)) render();
      return;
    }
    if (!data || !Array.isArray(data.tasks) || !Array.isArray(data.perTierPerDay) || !data.totals) return;
    current = data;
    if (vscode) vscode.setState(data);
    render();
  });

  current = vscode ? vscode.getState() : undefined;
  render();
  if (vscode) vscode.postMessage({ type: 'ready' });
})();
