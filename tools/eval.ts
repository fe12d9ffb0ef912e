// `npm run eval -- FILE.jsonl [--json] [--verbose]`: routes every request of a dev.jsonl-style
// file as a free-form Ask and, when the lines carry labels, prints the routing metrics of
// ../shared/routing/README.md. Input errors exit 2 naming file:line. The scoring lives in
// src/core/routing/eval.ts; this file only reads, prints and picks the exit code.
import { readFileSync } from 'node:fs';
import { estimateCostUsd } from '../src/core/pricing/cost';
import { evaluate, formatMetrics, parseEvalFile, routeItem } from '../src/core/routing/eval';

const USAGE = 'usage: npm run eval -- FILE.jsonl [--json] [--verbose]';

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function main(): void {
  const args = process.argv.slice(2);
  const flags = new Set(args.filter((a) => a.startsWith('--')));
  const files = args.filter((a) => !a.startsWith('--'));
  for (const flag of flags) {
    if (flag !== '--json' && flag !== '--verbose') fail(`unknown option ${flag}\n${USAGE}`);
  }
  const file = files[0];
  if (!file || files.length > 1) fail(USAGE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    fail(`${file}: cannot read (${err instanceof Error ? err.message : String(err)})`);
  }
  const { items, errors } = parseEvalFile(text, file);
  if (errors.length > 0) fail(errors.join('\n'));
  if (items.length === 0) fail(`${file}: no requests`);

  const routed = items.map(routeItem);
  const metrics = evaluate(routed, { estimateCostUsd: (model, input, output) => estimateCostUsd(model, input, output) });

  if (flags.has('--json')) {
    const out: Record<string, unknown> = {
      items: routed.map((r) => ({ id: r.id, tier: r.tier, confidence: r.confidence, stepType: r.stepType, reasons: r.reasons })),
    };
    if (metrics) out.metrics = metrics;
    console.log(JSON.stringify(out));
    return;
  }
  if (flags.has('--verbose') || !metrics) {
    for (const r of routed) {
      const mark = r.expected === undefined ? ' ' : r.expected === r.tier ? '✓' : '✗';
      const label = r.expected === undefined ? '' : ` (label ${r.expected})`;
      console.log(`${mark} ${r.id}: ${r.tier}${label} ${r.stepType} conf ${r.confidence.toFixed(2)}`);
      for (const reason of r.reasons) console.log(`    ${reason}`);
    }
    if (metrics) console.log('');
  }
  if (metrics) console.log(formatMetrics(metrics));
  else console.log(`\n${routed.length} requests routed (no labels, so no metrics)`);
}

main();
