/**
 * Extension-host benchmark, run inside code-server by test/bench/extension.ts (entry
 * exporting run(), like the integration suite). It measures, in the real extension host:
 *
 * - activation_ms: what activate() reports it spent (LadderApi.activationMs).
 * - the route overhead of Explain Selection on the demo workspace (src/orders.ts, lines
 *   9–23): a TCP tap in front of the in-process stand-in timestamps every chunk on this
 *   process's performance clock, so a run reads
 *     t0           just before executeCommand('ladder.explainSelection')
 *     count_tokens first byte of the pre-flight POST /v1/messages/count_tokens
 *     count end    last response byte of that pre-flight
 *     messages     first byte of POST /v1/messages (the model request)
 *   route_overhead_ms = (messages − t0) − (count end − count_tokens): all of Ladder's own
 *   work before the model request leaves (classification, policy, prompt build, budget
 *   pre-flight, progress and result view), without the pre-flight's network wait.
 *   Also reported: the same with that wait, and the time to the first byte of any request.
 * - route_plan_ms: RequestRunner.estimate() alone (classify + policy + prompt build, no
 *   count_tokens), the pure-computation part of the above.
 *
 * Warm-up runs come first, so the one-time workspace scan is not in any figure. Writes the
 * figures as JSON to the file named by LADDER_BENCH_OUT.
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
import { api, setUpSuite, tearDownSuite } from '../setup';

const WARM_UP_RUNS = 3;
const MEASURED_RUNS = 20;
const PLAN_RUNS = 50;
const PROBE_RUNS = 10;
const BARE_RUNS = 10;
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
  firstByte: number;
  withCountTokens: number;
  countTokensRtt: number;
  overhead: number;
}

/** Reads one run's timeline from the tap events that arrived after t0. */
function timesOf(events: readonly WireEvent[], t0: number): RunTimes {
  const starts = events.filter((e) => e.dir === 'req' && e.line);
  const count = starts.find((e) => /^POST \/v1\/messages\/count_tokens(\?|$)/.test(e.line ?? ''));
  const message = starts.find((e) => /^POST \/v1\/messages(\?|$)/.test(e.line ?? ''));
  if (!message) throw new Error(`no /v1/messages request in this run (saw: ${starts.map((e) => e.line).join(', ') || 'nothing'})`);
  const first = starts[0] ?? message;
  let countTokensRtt = 0;
  if (count && count.t < message.t) {
    const responses = events.filter((e) => e.dir === 'res' && e.t > count.t && e.t < message.t);
    const end = responses[responses.length - 1];
    if (!end) throw new Error('count_tokens got no response before the message request');
    countTokensRtt = end.t - count.t;
  }
  const withCountTokens = message.t - t0;
  return { firstByte: first.t - t0, withCountTokens, countTokensRtt, overhead: withCountTokens - countTokensRtt };
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
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await openAndSelect(SELECTION.path, SELECTION.from, SELECTION.to);
  const from = tap.events.length;
  const t0 = performance.now();
  const outcome = await invoke();
  if (!outcome) throw new Error('the request returned nothing (stopped before answering)');
  return timesOf(tap.events.slice(from), t0);
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
      report(`run ${String(i + 1).padStart(2)}: first byte ${times.firstByte.toFixed(2)} ms, message ${times.withCountTokens.toFixed(2)} ms, count_tokens round trip ${times.countTokensRtt.toFixed(2)} ms, overhead ${times.overhead.toFixed(2)} ms`);
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
    for (let i = 0; i < BARE_RUNS; i++) bare.push(await timedRun(tap, () => container.runner.run({ ...spec, selection })));
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
      route_overhead_incl_count_tokens_ms: median(runs.map((r) => r.withCountTokens)),
      first_request_byte_ms: median(runs.map((r) => r.firstByte)),
      count_tokens_roundtrip_ms: median(runs.map((r) => r.countTokensRtt)),
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
