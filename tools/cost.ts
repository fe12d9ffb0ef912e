// `npm run cost -- FILE.jsonl [--json]`: prices a Claude usage log. Each line is
// {"model": ..., "usage": {...}} as the API returns them (a whole Message works too, and
// so does a Ladder ledger line); other fields are ignored. A malformed line stops the run
// with exit code 2 and names the line; pricing warnings go to stderr.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UsageSchema, costOfUsage } from '../src/core/pricing/cost';
import type { UsageLike } from '../src/core/pricing/cost';
import { microsToDecimal } from '../src/core/ledger/format';

const Line = z.looseObject({
  model: z.string().min(1),
  usage: UsageSchema.extend({ cache_5m: z.number().int().nonnegative().optional(), cache_1h: z.number().int().nonnegative().optional() }),
  time: z.unknown().optional(),
});

interface Item {
  line: number;
  model: string;
  micros: number;
}

class Malformed extends Error {}

/** A ledger line carries the split flat (cache_5m / cache_1h); map it back to the API's shape. */
function apiShaped(usage: z.infer<typeof Line>['usage']): UsageLike {
  if (usage.cache_creation || (usage.cache_5m === undefined && usage.cache_1h === undefined)) return usage;
  return { ...usage, cache_creation: { ephemeral_5m_input_tokens: usage.cache_5m ?? 0, ephemeral_1h_input_tokens: usage.cache_1h ?? 0 } };
}

function price(text: string, now: Date, warn: (message: string) => void): Item[] {
  const items: Item[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index]?.trim() ?? '';
    if (raw === '') continue;
    const lineNo = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new Malformed(`line ${lineNo}: not JSON (${(err as Error).message})`);
    }
    const parsed = Line.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Malformed(`line ${lineNo}: ${issue ? `${issue.path.join('.') || '(line)'}: ${issue.message}` : 'not a {model, usage} object'}`);
    }
    const { model, usage, time } = parsed.data;
    const at = typeof time === 'string' && !Number.isNaN(Date.parse(time)) ? time : undefined;
    const cost = costOfUsage(model, apiShaped(usage), { now, at });
    for (const warning of cost.warnings) warn(warning);
    items.push({ line: lineNo, model, micros: cost.micros });
  }
  return items;
}

function main(): number {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const files = args.filter((a) => a !== '--json');
  if (files.length !== 1 || files[0]?.startsWith('--')) {
    process.stderr.write('usage: npm run cost -- FILE.jsonl [--json]\n');
    return 2;
  }
  const file = files[0] as string;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    process.stderr.write(`cost: cannot read ${file}: ${(err as Error).message}\n`);
    return 2;
  }
  const seen = new Set<string>();
  const warn = (message: string): void => {
    if (seen.has(message)) return;
    seen.add(message);
    process.stderr.write(`warning: ${message}\n`);
  };
  let items: Item[];
  try {
    items = price(text, new Date(), warn);
  } catch (err) {
    if (!(err instanceof Malformed)) throw err;
    process.stderr.write(`cost: ${file} ${err.message}\n`);
    return 2;
  }
  const totalMicros = items.reduce((sum, item) => sum + item.micros, 0);
  if (json) {
    const out = { items: items.map((i) => ({ line: i.line, model: i.model, cost_usd: i.micros / 1e6 })), total_usd: totalMicros / 1e6 };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } else {
    const width = Math.max(5, ...items.map((i) => i.model.length));
    for (const item of items) process.stdout.write(`line ${String(item.line).padEnd(6)} ${item.model.padEnd(width)}  $${microsToDecimal(item.micros)}\n`);
    process.stdout.write(`${'total'.padEnd(12)} ${''.padEnd(width)}  $${microsToDecimal(totalMicros)}\n`);
  }
  return 0;
}

process.exitCode = main();
