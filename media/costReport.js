// Ladder cost report webview. Plain DOM and inline SVG, no libraries and no inline
// scripts, so it runs under a strict CSP (script-src ${webview.cspSource} only).
//
// The extension posts one message shape (src/core/ledger/report.ts, CostReportMessage):
//   { type: 'costReport',
//     tasks: [{ taskId, command, workspace, firstTime, lastTime, calls, unbilled, micros, tiers: ['H','O'],
//               finalTier, models: [...], escalations, fallbacks, outcome, verdict?, cost }],
//     taskCount, sort: { key, descending }, tasksNote,
//     perTierPerDay: [{ day: 'YYYY-MM-DD', tier: 'H'|'S'|'O'|'F', calls, micros }],
//     chart: { label, days: ['YYYY-MM-DD', ...], spent, allTime, unread?, table: { tiers, rows: [{ day, cells }], totals } },
//     axis: { topMicros, ticks: [{ micros, label }] },
//     routes: [{ stepType, tier, calls, unbilled, micros, escalated, accepted, rejected, startsOn?, cost }],
//     totals: { label, micros, calls, unbilled, cacheSavingsMicros, opusMicros, vsOpus, opusModel,
//               escalations, fallbacks, failures, budget? } }
// A task's "When" button asks for its calls ({ type: 'taskCalls', taskId }); the extension
// answers with TaskCallsMessage ({ type: 'taskCalls', taskId, calls: [...], total }).
// A sort asks for the tasks again in that order ({ type: 'sort', sort }): the extension sends
// only the first 200, so the dearest tasks are the dearest of all, not of the latest 200.
// Non-ASCII text is written as \u escapes so the file decodes the same whatever charset
// the page declares. Money is integer micro-dollars. On load the script posts { type: 'ready' } so the
// extension knows when to send. The webview is rebuilt whenever its tab is hidden and shown
// again: the last report, the sort, the opened tasks, the chart's table and the scroll position
// are kept with setState and put back.
(function () {
  'use strict';

  const TIERS = ['H', 'S', 'O', 'F'];
  const TIER_NAMES = { H: 'H \u00b7 labour', S: 'S \u00b7 execute', O: 'O \u00b7 judgment', F: 'F \u00b7 exception' };
  const OUTCOME_NAMES = { ok: 'ok', escalated: 'went a tier up', fellBack: 'fell back', failed: 'failed', cancelled: 'cancelled' };
  // As WENT_UP_MEANS in src/core/ledger/tooltip.ts words it (a unit test holds the two together).
  const WENT_UP_MEANS = 'a failed check redone a tier above, or a review\'s findings sent to judgment';
  const FAILED_MEANS = 'the SDK\'s own retries after an overload, a rate limit, a timeout or a lost connection (recorded at $0), and requests that ended without an answer';
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const vscode = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
  const root = document.getElementById('cost-report') || document.body;
  const status = document.getElementById('report-status');
  /** Tasks whose calls are shown, and the calls the extension sent for them (by task id). */
  const open = new Set();
  const details = new Map();
  /** Whether the chart's figures are shown as a table beneath it. */
  let chartTable = false;
  /** How many calls each opened task had when its calls were asked for. */
  const asked = new Map();
  let sortKey = 'lastTime';
  let sortDescending = true;
  let current;
  /**
   * Where the page was scrolled to when the tab was hidden, until the page is long enough to
   * get there again (an opened task's calls come after the first drawing) or the user moves.
   */
  let restoreY;
  /** The chart's section and the width it was drawn for: a resize draws it again. */
  let chartSection;
  let chartWidth = 0;

  /** A whole number with thousands separators: 12,345. */
  function count(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }

  function plural(n, noun) {
    return count(n) + ' ' + noun + (n === 1 ? '' : 's');
  }

  /** "9 calls", or "9 calls \u00b7 5 attempts not billed": as the status-bar tooltip counts them. */
  function attempts(calls, unbilled) {
    return plural(calls, 'call') + (unbilled > 0 ? ' \u00b7 ' + plural(unbilled, 'attempt') + ' not billed' : '');
  }

  /** A row's calls: "2", or "2 + 3 not billed" (a row counts every attempt; unbilled ones cost $0). */
  function callsCell(row) {
    const unbilled = row.unbilled || 0;
    return String(row.calls - unbilled) + (unbilled > 0 ? ' + ' + unbilled + ' not billed' : '');
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

  /** "Nov 24" for a day key, read as that calendar day wherever the viewer is. */
  function shortDay(dayKey) {
    const date = new Date(dayKey + 'T12:00:00');
    if (Number.isNaN(date.getTime())) return dayKey.slice(5);
    return date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  }

  /** A section with its heading and, when given, a line saying what period it covers. */
  function section(className, title, period) {
    const node = el('section', className);
    const heading = el('h2', undefined, title);
    if (period) heading.appendChild(el('span', 'period', ' \u00b7 ' + period));
    node.appendChild(heading);
    return node;
  }

  function renderTotals(totals) {
    const node = section('totals', totals.label);
    node.setAttribute('aria-label', totals.label);
    const cards = el('div', 'cards');
    // Worded by the extension (core's opusComparison and budgetCard), as the status-bar tooltip words them.
    const vs = totals.vsOpus;
    const items = [
      ['Spent', usd(totals.micros), attempts(totals.calls, totals.unbilled || 0)],
      ['Cache savings', usd(totals.cacheSavingsMicros), 'cache reads vs uncached input'],
      [vs.direction === 'saved' ? 'Saved vs all-Opus' : 'Extra vs all-Opus', vs.difference + (vs.percent ? ' (' + vs.percent + ')' : ''), 'all-Opus (' + totals.opusModel + '): ' + vs.allOpus],
      ['Went a tier up \u00b7 fell back \u00b7 failed', totals.escalations + ' \u00b7 ' + totals.fallbacks + ' \u00b7 ' + (totals.failures || 0), 'went up: ' + WENT_UP_MEANS + (totals.failures ? '; failed: ' + FAILED_MEANS : '')],
    ];
    if (totals.budget) items.push([totals.budget.label, totals.budget.value, totals.budget.note, totals.budget.state]);
    for (const [label, value, note, state] of items) {
      const card = el('div', 'total' + (state && state !== 'ok' ? ' budget-' + state : ''));
      card.appendChild(el('div', 'total-label', label));
      card.appendChild(el('div', 'total-value', value));
      card.appendChild(el('div', 'total-note', note));
      cards.appendChild(card);
    }
    node.appendChild(cards);
    return node;
  }

  /** The width the chart has, in CSS pixels: it is drawn at that size, so its text is never scaled. */
  function availableWidth() {
    return Math.max(160, Math.min(800, Math.floor(root.clientWidth || 640)));
  }

  function renderChart(report) {
    const points = report.perTierPerDay || [];
    const period = report.chart;
    const node = section('chart', 'Cost per day by tier', period ? period.label.toLowerCase() : undefined);
    chartWidth = availableWidth();
    const days = period && Array.isArray(period.days) && period.days.length > 0 ? period.days : Array.from(new Set(points.map((p) => p.day))).sort();
    if (points.length === 0) {
      node.appendChild(el('p', 'empty', period ? 'No calls in the ' + period.label.toLowerCase() + '.' : 'No calls in this period.'));
      if (period) node.appendChild(el('p', 'note', 'Everything recorded: ' + period.allTime + '.' + unreadNote(period)));
      return node;
    }
    const byDay = new Map(days.map((d) => [d, { H: 0, S: 0, O: 0, F: 0, total: 0, calls: 0 }]));
    for (const p of points) {
      const day = byDay.get(p.day);
      if (!day) continue;
      day[p.tier] += p.micros;
      day.total += p.micros;
      day.calls += p.calls;
    }
    const highest = Math.max(0, ...Array.from(byDay.values(), (d) => d.total));
    // The extension sends the value axis (src/core/ledger/report.ts, chartAxis): round ticks,
    // alike labels. A report restored from an older state has none: 0 and the highest day.
    const axis = report.axis || { topMicros: highest, ticks: [{ micros: 0, label: usd(0) }, { micros: highest, label: usd(highest) }] };
    const max = Math.max(1, axis.topMicros);
    // Pixels, not a scaled viewBox: 11px text stays 11px in a narrow editor group.
    const width = chartWidth;
    const height = 200;
    const longest = Math.max(...axis.ticks.map((t) => t.label.length));
    const left = 10 + longest * 7;
    const bottom = 24;
    const top = 8;
    const plotHeight = height - bottom - top;
    const slot = (width - left) / days.length;
    const barWidth = Math.max(1, Math.min(28, slot * 0.7));
    const chart = svg('svg', { width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, role: 'img', class: 'bars' });
    chart.setAttribute('aria-label', 'Cost per day by tier, ' + (period ? period.label.toLowerCase() : days.length + ' days') + '; highest day ' + usd(highest));
    for (const tick of axis.ticks) {
      const y = top + plotHeight * (1 - tick.micros / max);
      chart.appendChild(svg('line', { x1: left, x2: width, y1: y, y2: y, class: 'grid' }));
      const label = svg('text', { x: left - 6, y: y + 4, class: 'axis', 'text-anchor': 'end' });
      label.textContent = tick.label;
      chart.appendChild(label);
    }
    // Day labels at least 60px apart, so they never run into each other.
    const every = Math.max(1, Math.ceil(days.length / Math.max(1, Math.floor((width - left) / 60))));
    days.forEach((dayKey, index) => {
      const day = byDay.get(dayKey);
      const x = left + slot * index + (slot - barWidth) / 2;
      let y = top + plotHeight;
      for (const tier of TIERS) {
        if (day[tier] <= 0) continue;
        const h = (day[tier] / max) * plotHeight;
        y -= h;
        const rect = svg('rect', { x: x, y: y, width: barWidth, height: Math.max(h, 0.5), class: 'tier-' + tier });
        const title = svg('title');
        title.textContent = shortDay(dayKey) + ' \u00b7 ' + TIER_NAMES[tier] + ': ' + usd(day[tier]);
        rect.appendChild(title);
        chart.appendChild(rect);
      }
      // Counted from the latest day, so today always has its label.
      if ((days.length - 1 - index) % every === 0) {
        const label = svg('text', { x: Math.min(width - 20, Math.max(left + 20, x + barWidth / 2)), y: height - 6, class: 'axis', 'text-anchor': 'middle' });
        label.textContent = shortDay(dayKey);
        chart.appendChild(label);
      }
    });
    node.appendChild(chart);
    const legend = el('ul', 'legend');
    for (const tier of TIERS) {
      const item = el('li');
      item.appendChild(el('span', 'swatch tier-' + tier));
      item.appendChild(document.createTextNode(TIER_NAMES[tier]));
      legend.appendChild(item);
    }
    node.appendChild(legend);
    // The bars' figures as a table: a screen reader and the keyboard reach every day and tier.
    // (A report restored from an older state has no table.)
    if (period && period.table) {
      const toggle = el('button', 'disclose', chartTable ? 'Hide the table' : 'Show as table');
      toggle.prepend(el('span', undefined, chartTable ? '\u25be ' : '\u25b8 '));
      toggle.firstChild.setAttribute('aria-hidden', 'true');
      toggle.type = 'button';
      toggle.dataset.focusKey = 'chart-table';
      toggle.setAttribute('aria-expanded', String(chartTable));
      toggle.addEventListener('click', () => {
        chartTable = !chartTable;
        render();
      });
      node.appendChild(toggle);
      if (chartTable) node.appendChild(chartDataTable(period.table));
    }
    if (period) node.appendChild(el('p', 'note', period.spent + ' in the ' + period.label.toLowerCase() + ' \u00b7 ' + period.allTime + ' in everything recorded.' + unreadNote(period)));
    return node;
  }

  /** " 3 ledger lines could not be read, so totals may be low.", after the figure it qualifies. */
  function unreadNote(period) {
    return period.unread ? ' ' + period.unread : '';
  }

  /**
   * The chart's days that cost something, a column per tier used, with each tier's total. The
   * extension formats every figure (report.ts, ChartTable), alike, so "$0.0250" stands beside "$0.0050".
   */
  function chartDataTable(data) {
    const columns = [{ label: 'Day', render: (row) => shortDay(row.day), role: 'primary' }]
      .concat(data.tiers.map((tier, i) => ({ label: TIER_NAMES[tier], render: (row) => row.cells[i], numeric: true })))
      .concat([{ label: 'Total', render: (row) => row.cells[data.tiers.length], numeric: true, role: 'amount' }]);
    const table = dataTable(columns, data.rows, (th, c) => {
      th.textContent = c.label;
    });
    table.setAttribute('aria-label', 'Cost per day by tier');
    const foot = el('tfoot');
    const total = el('tr');
    total.appendChild(el('th', 'primary', 'Total'));
    data.totals.forEach((figure, i) => {
      const td = el('td', 'numeric ' + (i === data.tiers.length ? 'amount' : 'secondary'), figure);
      td.dataset.label = TIER_NAMES[data.tiers[i]] || 'Total';
      total.appendChild(td);
    });
    foot.appendChild(total);
    table.appendChild(foot);
    return scroller(table);
  }

  /** A step type as a person reads it: "securityReview" -> "security review". */
  function stepName(stepType) {
    if (stepType === 'difficulty') return 'difficulty check';
    if (stepType === 'reviewJudge') return 'review judgment';
    return stepType.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  }

  function outcomeName(outcome) {
    return OUTCOME_NAMES[outcome] || outcome;
  }

  // A column's `role` places its cell when the table stacks in a narrow editor group: `primary`
  // cells lead the first line, the `amount` ends it, the others follow smaller, each labelled.
  const ROUTE_COLUMNS = [
    { label: 'Step', render: (r) => stepName(r.stepType), role: 'primary' },
    { label: 'Tier', render: (r) => TIER_NAMES[r.tier] || r.tier, role: 'primary' },
    { label: 'Calls', render: callsCell, numeric: true, title: 'Billed calls, and attempts recorded at $0 that were not billed (an overload, a retry)' },
    { label: 'Cost', render: (r) => r.cost, numeric: true, role: 'amount' },
    {
      label: 'Kept',
      render: (r) => (r.accepted + r.rejected === 0 ? '\u2014' : r.accepted + ' of ' + (r.accepted + r.rejected)) + (r.startsOn ? ' \u2192 ' + r.startsOn : ''),
      numeric: true,
      title: 'Edits you accepted, of those you accepted or rejected. "\u2192 S": you rejected enough of them in this workspace that this step now starts on that tier',
      cellTitle: (r) => (r.startsOn ? 'You rejected enough of these edits in this workspace that ' + stepName(r.stepType) + ' now starts on ' + (TIER_NAMES[r.startsOn] || r.startsOn) : ''),
    },
    { label: 'Went up', render: (r) => String(r.escalated), numeric: true, title: 'Calls that went a tier up: ' + WENT_UP_MEANS },
  ];

  function renderRoutes(routes) {
    const node = section('routes', 'Routes', 'all recorded');
    node.setAttribute('aria-label', 'Routes, all recorded');
    node.appendChild(el('p', 'note', 'Each step type on each tier, over everything recorded: what it cost, how often it went a tier up (' + WENT_UP_MEANS + '), and how often you kept its edits.'));
    if (routes.length === 0) {
      node.appendChild(el('p', 'empty', 'No calls yet.'));
      return node;
    }
    node.appendChild(scroller(dataTable(ROUTE_COLUMNS, routes, (th, c) => {
      th.textContent = c.label;
      if (c.title) th.title = c.title;
    })));
    return node;
  }

  /**
   * A table with one cell per column for each row. `headCell(th, c)` fills a column's header;
   * a column's `cellTitle(row)` titles its cell; `rowAfter(row)`, when given, is a line of text
   * shown beneath the row across every column.
   */
  function dataTable(columns, rows, headCell, rowAfter) {
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
      for (const c of columns) {
        const td = el('td', (c.numeric ? 'numeric ' : '') + (c.role || 'secondary'), c.render(row));
        td.dataset.label = c.label;
        const title = c.cellTitle ? c.cellTitle(row) : '';
        if (title) td.title = title;
        tr.appendChild(td);
      }
      body.appendChild(tr);
      if (rowAfter) {
        const more = el('tr', 'row-after');
        const td = el('td', undefined, rowAfter(row));
        td.colSpan = columns.length;
        more.appendChild(td);
        body.appendChild(more);
      }
    }
    const table = el('table', 'stack');
    table.appendChild(head);
    table.appendChild(body);
    return table;
  }

  /** A wide table scrolls sideways in a middling editor group; a narrow one stacks each row instead (costReport.css). */
  function scroller(table) {
    const box = el('div', 'scroller');
    box.appendChild(table);
    return box;
  }

  const COLUMNS = [
    { key: 'lastTime', label: 'When', value: (t) => t.lastTime, render: (t) => shortTime(t.lastTime), role: 'primary' },
    { key: 'command', label: 'Command', value: (t) => t.command, render: (t) => t.command, role: 'primary' },
    { key: 'tiers', label: 'Route', value: (t) => t.tiers.join(''), render: (t) => t.tiers.join(' \u2192 ') },
    { key: 'calls', label: 'Calls', value: (t) => t.calls - (t.unbilled || 0), render: callsCell, numeric: true, title: 'Billed calls, and attempts recorded at $0 that were not billed (an overload, a retry)' },
    { key: 'micros', label: 'Cost', value: (t) => t.micros, render: (t) => t.cost, numeric: true, role: 'amount' },
    {
      key: 'escalations', label: 'Up / fell back', value: (t) => t.escalations + t.fallbacks, render: (t) => t.escalations + ' / ' + t.fallbacks, numeric: true,
      title: 'Calls that went a tier up (' + WENT_UP_MEANS + ') / calls that fell back to another model after an overload or outage',
    },
    { key: 'outcome', label: 'Outcome', value: (t) => t.outcome, render: (t) => outcomeName(t.outcome), title: 'How the task\'s latest call ended' },
    { key: 'verdict', label: 'Verdict', value: (t) => t.verdict || '', render: (t) => t.verdict || '\u2014' },
  ];

  function renderTasks(report) {
    const tasks = report.tasks || [];
    const node = section('tasks', 'Tasks', 'all recorded');
    if (tasks.length === 0) {
      node.appendChild(el('p', 'empty', 'No tasks yet.'));
      return node;
    }
    if (report.tasksNote) node.appendChild(el('p', 'note tasks-note', report.tasksNote));
    const column = COLUMNS.find((c) => c.key === sortKey) || COLUMNS[0];
    // The extension chose these rows by the same order; sorting them here shows a click at once.
    const rows = tasks.slice().sort((a, b) => {
      const x = column.value(a);
      const y = column.value(b);
      const order = x < y ? -1 : x > y ? 1 : 0;
      return sortDescending ? -order : order;
    });
    const table = dataTable(COLUMNS, rows, (th, c) => {
      const button = el('button', 'sort', c.label);
      button.type = 'button';
      button.dataset.focusKey = 'sort:' + c.key;
      if (c.title) button.title = c.title;
      if (c.key === sortKey) th.setAttribute('aria-sort', sortDescending ? 'descending' : 'ascending');
      button.addEventListener('click', () => {
        sortDescending = c.key === sortKey ? !sortDescending : true;
        sortKey = c.key;
        if (vscode) vscode.postMessage({ type: 'sort', sort: { key: sortKey, descending: sortDescending } });
        render();
      });
      th.appendChild(button);
    });
    node.appendChild(scroller(table));
    // Each task's "When" opens its calls beneath it: usage and cost of every attempt.
    const trs = table.querySelectorAll('tbody tr');
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
    return node;
  }

  function askCalls(task) {
    asked.set(task.taskId, task.calls);
    if (vscode) vscode.postMessage({ type: 'taskCalls', taskId: task.taskId });
  }

  // Compact enough for a narrow editor group: the time and the route's reason are a line beneath each call.
  const CALL_COLUMNS = [
    { label: 'Call', render: (c) => c.model + ' (' + c.tier + ') \u00b7 ' + stepName(c.stepType) + (c.attempt > 1 ? ' #' + c.attempt : ''), role: 'primary' },
    { label: 'Outcome', render: (c) => outcomeName(c.outcome) },
    { label: 'Uncached in', title: 'Input tokens outside the cache, at the full input rate: the prompt less its cache writes and reads', render: (c) => count(c.input), numeric: true },
    { label: 'Write', title: 'Cache write tokens', render: (c) => count(c.cacheWrite), numeric: true },
    { label: 'Read', title: 'Cache read tokens', render: (c) => count(c.cacheRead), numeric: true },
    { label: 'Out', title: 'Output tokens', render: (c) => count(c.output), numeric: true },
    { label: 'Cost', render: (c) => (c.billed === false ? 'not billed' : c.cost), numeric: true, role: 'amount' },
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
    // No scroller of its own: the task table's is the one, so the total stays beside its column.
    const table = dataTable(CALL_COLUMNS, data.calls, (th, c) => {
      th.textContent = c.label;
      if (c.title) th.title = c.title;
    }, (c) => shortTime(c.time) + ' \u00b7 ' + c.reason + (c.cacheMiss ? ' \u00b7 cache miss: ' + c.cacheMiss : '') + (c.outcome === 'escalated' ? ' \u00b7 went a tier up: ' + WENT_UP_MEANS : ''));
    table.setAttribute('aria-label', 'Calls of the ' + task.command + ' task');
    td.appendChild(el('p', 'note', 'Task ' + task.taskId + ' \u00b7 ' + task.models.join(', ')));
    const foot = el('tfoot');
    const total = el('tr');
    total.appendChild(el('th', 'primary', 'Total'));
    const sum = el('td', 'numeric amount', data.total);
    sum.colSpan = CALL_COLUMNS.length - 1;
    total.appendChild(sum);
    foot.appendChild(total);
    table.appendChild(foot);
    td.appendChild(table);
    return tr;
  }

  /** The report, as a person reads it and as it is kept for the next time the tab is shown. */
  function saveState() {
    if (vscode) vscode.setState({ report: current, sort: { key: sortKey, descending: sortDescending }, open: Array.from(open), chartTable: chartTable, scrollY: restoreY !== undefined ? restoreY : window.scrollY });
  }

  function render() {
    // Everything is drawn afresh: the button that had the keyboard (a sort, a task's calls) gets
    // it back, and the page stays where it was scrolled to.
    const active = document.activeElement;
    const focusKey = active && active.dataset ? active.dataset.focusKey : undefined;
    const scrollY = restoreY !== undefined ? restoreY : window.scrollY;
    root.textContent = '';
    chartSection = undefined;
    if (!current) {
      root.appendChild(el('p', 'empty', 'Loading the cost ledger\u2026'));
      return;
    }
    root.appendChild(renderTotals(current.totals));
    chartSection = renderChart(current);
    root.appendChild(chartSection);
    root.appendChild(renderRoutes(current.routes || []));
    root.appendChild(renderTasks(current));
    window.scrollTo(0, scrollY);
    if (restoreY !== undefined && Math.abs(window.scrollY - restoreY) < 2) restoreY = undefined;
    if (focusKey !== undefined) {
      const again = Array.from(root.querySelectorAll('button')).find((b) => b.dataset.focusKey === focusKey);
      if (again) again.focus({ preventScroll: true });
    }
    saveState();
  }

  /**
   * The one live region: a short line when the figures change, not the whole report read
   * out again on every call.
   */
  function announce(report) {
    if (!status) return;
    const t = report.totals;
    const text = t.label + ': ' + usd(t.micros) + ' over ' + attempts(t.calls, t.unbilled || 0) + '.';
    if (status.textContent !== text) status.textContent = text;
  }

  window.addEventListener('message', (event) => {
    const data = event.data;
    if (data && data.type === 'taskCalls' && typeof data.taskId === 'string' && Array.isArray(data.calls)) {
      details.set(data.taskId, data);
      if (open.has(data.taskId)) render();
      return;
    }
    if (!data || !Array.isArray(data.tasks) || !Array.isArray(data.perTierPerDay) || !data.totals) return;
    const first = current === undefined;
    current = data;
    render();
    if (!first) announce(data);
  });

  let scrollTimer;
  window.addEventListener('scroll', () => {
    clearTimeout(scrollTimer);
    scrollTimer = setTimeout(saveState, 150);
  });

  // A narrower or wider editor group: the chart is drawn again at its new width.
  let resizeTimer;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      if (!current || !chartSection || Math.abs(availableWidth() - chartWidth) < 8) return;
      const fresh = renderChart(current);
      chartSection.replaceWith(fresh);
      chartSection = fresh;
    }, 100);
  });

  // The state saved before the tab was hidden (or the window reloaded); an older one was the report alone.
  const saved = vscode ? vscode.getState() : undefined;
  if (saved && saved.type === 'costReport') current = saved;
  else if (saved && saved.report) {
    current = saved.report;
    if (saved.sort && typeof saved.sort.key === 'string') {
      sortKey = saved.sort.key;
      sortDescending = saved.sort.descending !== false;
    }
    for (const taskId of Array.isArray(saved.open) ? saved.open : []) open.add(taskId);
    chartTable = saved.chartTable === true;
  }
  if (saved && typeof saved.scrollY === 'number' && saved.scrollY > 0) restoreY = saved.scrollY;
  for (const input of ['wheel', 'keydown', 'pointerdown', 'touchstart']) {
    window.addEventListener(input, () => {
      restoreY = undefined;
    }, { passive: true });
  }
  render();
  if (vscode) vscode.postMessage({ type: 'ready', sort: { key: sortKey, descending: sortDescending } });
})();
