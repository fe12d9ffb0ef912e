/**
 * Extension-host benchmark, run inside code-server by test/bench/extension.ts (entry
 * exporting run(), like the integration suite). It measures, in the real extension host:
 *
 * - activation_ms: what activate() reports it spent (LadderApi.activationMs).
 * - the route overhead of Explain Selection on the demo workspace (src/orders.ts, lines
 *   9–23): a TCP tap in front of the in-process stand-in timestamps every chunk on this
 *   process's performance clock, and the tap's request starts are matched in order to the
 *   stand-in's log, so a run reads
 *     t0           just before executeCommand('ladder.explainSelection')
 *     pre-flights  any calls made before the model request: count_tokens (when a budget is
 *                  set or the prompt nears the context window) and the difficulty check
 *                  (low-confidence routes), each from its first request byte to its last
 *                  response byte
 *     model        first byte of the POST /v1/messages whose prompt is `Ladder task: explain`
 *   route_overhead_ms = (model − t0) − pre-flight wire time: all of Ladder's own work
 *   before the model request leaves (classification, policy, prompt build, key reads,
 *   budget pre-flight, progress and result view), without waiting on the network.
 *   route_overhead_incl_preflight_ms keeps that wait; preflight_roundtrip_ms is the wait
 *   itself; first_request_byte_ms is t0 to the first byte of whatever leaves first.
 * - the same with a session budget set (budgeted_*), where the runner asks count_tokens
 *   before every request: the overhead without and with that round trip, and the trip.
 * - where it goes: route_overhead_no_result_view_ms (the same request through
 *   RequestRunner.run with no result view), route_plan_ms (RequestRunner.estimate()
 *   without count_tokens: classification, policy and prompt build only, no I/O),
 *   secret_get_ms (one SecretStorage read, which the request path makes several times and
 *   which in code-server is a round trip to the workbench) and result_view_open_ms (opening
 *   a result document beside the editor, which the path awaits before sending).
 *
 * Warm-up runs come first, so the one-time workspace scan is not in any figure. Figures
 * are medians. Writes them as JSON to the file named by LADDER_BENCH_OUT.
 */
import { writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { selectionFor } from '../../../src/vscode/editorSelection';
import { openAndSelect, until } from '../editor';
import { ladder } from '../helpers';
import { REPORT_PREFIX } from '../mocha';
import type { RequestLogEntry } from '../../support/standin/server';
import { api, setUpSuite, tearDownSuite } from '../setup';

const WARM_UP_RUNS = 3;
const MEASURED_RUNS = 20;
const PLAN_RUNS = 50;
const PROBE_RUNS = 10;
const BARE_RUNS = 10;
const SETTLE_MS = 250;
const SELECTION = { path: 'src/orders.ts', from: 9, to: 23 };

interface WireEvent {
  t: number;
  dir: 'req' | 'res';
  /** "POST /v1/messages" when the chunk starts a request. */
  line?: string;
}

interface Tap {
  url: string;
  events: WireEvent[];
  close(): Promise<void>;
}

/** A loopback TCP relay to `port` that timestamps every chunk in both directions. */
function startTap(port: number): Promise<Tap> {
  const events: WireEvent[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (chunk: Buffer) => {
      const t = performance.now();
      const start = /^([A-Z]+) (\S+) HTTP\/1\.[01]\r\n/.exec(chunk.toString('latin1', 0, Math.min(chunk.length, 512)));
      events.push({ t, dir: 'req', ...(start ? { line: `${start[1]} ${start[2]}` } : {}) });
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      events.push({ t: performance.now(), dir: 'res' });
      client.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => sockets.delete(upstream));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port: tapPort } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${tapPort}`,
        events,
        close: () => new Promise<void>((done) => {
          for (const socket of sockets) socket.destroy();
          server.close(() => done());
        }),
      });
    });
  });
}

interface RunTimes {
  /** t0 to the first byte of the run's first request (a pre-flight, or the model request). */
  firstByte: number;
  /** t0 to the first byte of the model request. */
  withPreflight: number;
  /** Wire time of the pre-flight calls before it (first request byte to last response byte each). */
  preflightRtt: number;
  overhead: number;
  /** What went out before the model request ("count_tokens", "messages: difficulty"). */
  preflights: string[];
}

/** A stand-in log entry's task, from the `Ladder task: <step>` header of its system prompt. */
function taskOf(entry: RequestLogEntry): string {
  const system = (entry.body as { system?: unknown } | undefined)?.system;
  return /Ladder task: (\w+)/.exec(JSON.stringify(system ?? ''))?.[1] ?? 'unknown';
}

/**
 * Reads one run's timeline: the tap's request starts after t0, matched in arrival order
 * to the stand-in's log entries for the same run (both see the requests in order).
 */
function timesOf(events: readonly WireEvent[], entries: readonly RequestLogEntry[], t0: number, task: string): RunTimes {
  const starts = events.filter((e) => e.dir === 'req' && e.line);
  if (starts.length !== entries.length) throw new Error(`the tap saw ${starts.length} requests, the stand-in ${entries.length}`);
  const main = entries.findIndex((e) => e.path === '/v1/messages' && taskOf(e) === task);
  const message = starts[main];
  if (main < 0 || !message) throw new Error(`no /v1/messages request for task ${task} in this run (saw: ${entries.map((e) => `${e.path} ${taskOf(e)}`).join(', ') || 'nothing'})`);
  let preflightRtt = 0;
  for (let i = 0; i < main; i++) {
    const start = starts[i]!;
    const next = starts[i + 1]!;
    const responses = events.filter((e) => e.dir === 'res' && e.t > start.t && e.t < next.t);
    const end = responses[responses.length - 1];
    if (!end) throw new Error(`${start.line} got no response before the next request`);
    preflightRtt += end.t - start.t;
  }
  const withPreflight = message.t - t0;
  return {
    firstByte: (starts[0] ?? message).t - t0,
    withPreflight,
    preflightRtt,
    overhead: withPreflight - preflightRtt,
    preflights: entries.slice(0, main).map((e) => (e.path.endsWith('/count_tokens') ? 'count_tokens' : `messages: ${taskOf(e)}`)),
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.round(value * 100) / 100;
}

function report(line: string): void {
  console.log(REPORT_PREFIX + line);
}

/** Times one request path from just before `invoke` to the bytes the tap saw. */
async function timedRun(tap: Tap, invoke: () => Thenable<unknown>): Promise<RunTimes> {
  // The selection stays; each result view replaces the last (a preview tab). The pause lets
  // the workbench finish drawing the previous run, as it has when a person invokes a command.
  await openAndSelect(SELECTION.path, SELECTION.from, SELECTION.to);
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const from = tap.events.length;
  const lastSeq = api().log.at(-1)?.seq ?? 0;
  const t0 = performance.now();
  const outcome = await invoke();
  if (!outcome) throw new Error('the request returned nothing (stopped before answering)');
  return timesOf(tap.events.slice(from), api().log.filter((e) => e.seq > lastSeq), t0, 'explain');
}

/** Median wall time of `probe` over `runs` calls, after one untimed call. */
async function timeProbe(runs: number, probe: () => Thenable<unknown>): Promise<number> {
  await probe();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await probe();
    times.push(performance.now() - t0);
  }
  return median(times);
}

async function measure(): Promise<Record<string, number>> {
  const { activationMs, container } = await ladder();
  const startupActivated = vscode.extensions.getExtension('ladder-dev.ladder')?.isActive;
  report(`activate() took ${activationMs.toFixed(2)} ms (active at suite start: ${String(startupActivated)})`);

  await setUpSuite();
  const tap = await startTap(api().port);
  try {
    await vscode.workspace.getConfiguration('ladder').update('api.baseUrl', tap.url, vscode.ConfigurationTarget.Global);
    await until('Ladder to use the tap as its endpoint', () => container.config.get('api.baseUrl') === tap.url || undefined);

    const explain = () => vscode.commands.executeCommand('ladder.explainSelection');
    for (let i = 0; i < WARM_UP_RUNS; i++) await timedRun(tap, explain);
    const runs: RunTimes[] = [];
    for (let i = 0; i < MEASURED_RUNS; i++) {
      const times = await timedRun(tap, explain);
      runs.push(times);
      report(`run ${String(i + 1).padStart(2)}: first byte ${times.firstByte.toFixed(2)} ms, model request ${times.withPreflight.toFixed(2)} ms, pre-flight [${times.preflights.join(', ')}] ${times.preflightRtt.toFixed(2)} ms on the wire, overhead ${times.overhead.toFixed(2)} ms`);
    }

    // Where the overhead goes: the same request through RequestRunner.run without the
    // result view, the pure planning step, and the host round trips the path makes.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await openAndSelect(SELECTION.path, SELECTION.from, SELECTION.to);
    const selection = await selectionFor(container);
    if (!selection) throw new Error('no selection to plan a route for');
    const spec = {
      command: 'explain' as const,
      title: 'Explain Selection',
      task: 'explain' as const,
      question: 'Explain what this code does, how, and anything surprising in it.',
      selection,
      maxTokens: 4096,
      check: (answer: string) => ({ ok: true as const, value: answer }),
    };
    const bare: RunTimes[] = [];
    for (let i = 0; i < BARE_RUNS; i++) bare.push(await timedRun(tap, () => container.runner.run(spec)));
    // With a session budget, the runner counts tokens with the API before sending.
    await vscode.workspace.getConfiguration('ladder').update('budget.session', 100, vscode.ConfigurationTarget.Global);
    await until('Ladder to see the budget', () => container.config.get('budget.session') === 100 || undefined);
    const budgeted: RunTimes[] = [];
    for (let i = 0; i < BARE_RUNS; i++) budgeted.push(await timedRun(tap, explain));
    await vscode.workspace.getConfiguration('ladder').update('budget.session', undefined, vscode.ConfigurationTarget.Global);
    report(`with a budget: pre-flight [${budgeted[0]?.preflights.join(', ')}] ${median(budgeted.map((r) => r.preflightRtt))} ms on the wire, model request ${median(budgeted.map((r) => r.withPreflight))} ms, overhead ${median(budgeted.map((r) => r.overhead))} ms`);

    const plan = await timeProbe(PLAN_RUNS, () => container.runner.estimate(spec, { countTokens: false }));
    const secret = await timeProbe(PROBE_RUNS, () => container.apiKey.get());
    const resultView = await timeProbe(PROBE_RUNS, async () => {
      const uri = container.results.create('ladder-result', 'Bench.md', '');
      await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
      return true;
    });
    report(`breakdown: run() without result view ${median(bare.map((r) => r.overhead))} ms, estimate() ${plan} ms, apiKey.get() ${secret} ms, open result view ${resultView} ms`);

    return {
      activation_ms: Math.round(activationMs * 100) / 100,
      route_overhead_ms: median(runs.map((r) => r.overhead)),
      route_overhead_incl_preflight_ms: median(runs.map((r) => r.withPreflight)),
      first_request_byte_ms: median(runs.map((r) => r.firstByte)),
      preflight_roundtrip_ms: median(runs.map((r) => r.preflightRtt)),
      budgeted_route_overhead_ms: median(budgeted.map((r) => r.overhead)),
      budgeted_route_overhead_incl_count_tokens_ms: median(budgeted.map((r) => r.withPreflight)),
      budgeted_count_tokens_roundtrip_ms: median(budgeted.map((r) => r.preflightRtt)),
      route_overhead_no_result_view_ms: median(bare.map((r) => r.overhead)),
      route_plan_ms: plan,
      secret_get_ms: secret,
      result_view_open_ms: resultView,
    };
  } finally {
    await tap.close();
    await tearDownSuite();
  }
}

export async function run(): Promise<void> {
  const out = process.env.LADDER_BENCH_OUT;
  if (!out) throw new Error('LADDER_BENCH_OUT names no file for the figures');
  const figures = await measure();
  writeFileSync(out, JSON.stringify(figures));
  report(`figures: ${JSON.stringify(figures)}`);
}
