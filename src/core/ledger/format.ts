/**
 * Money and token formatting from integer micro-dollars, with integer arithmetic only,
 * so what the status bar shows is the ledger's sum rounded once, never a float artefact.
 */

const MICROS_PER_USD = 1_000_000;

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Rounds integer micro-dollars half-up to `decimals` (0–6) and renders "$1,234.56". */
export function formatUsdFixed(micros: number, decimals: number): string {
  const negative = micros < 0;
  const abs = Math.abs(Math.trunc(micros));
  const step = 10 ** (6 - decimals);
  const rounded = Math.floor((abs + step / 2) / step);
  const scale = 10 ** decimals;
  const whole = Math.floor(rounded / scale);
  const fraction = decimals > 0 ? `.${String(rounded % scale).padStart(decimals, '0')}` : '';
  return `${negative ? '-' : ''}$${groupThousands(String(whole))}${fraction}`;
}

/**
 * Dollars for people: cents from one cent up, four decimals below that ("$0.0042"), and
 * "<$0.0001" for a non-zero amount too small to show.
 */
export function formatUsd(micros: number): string {
  if (micros === 0) return '$0.00';
  if (Math.abs(micros) >= 10_000) return formatUsdFixed(micros, 2);
  if (Math.abs(micros) < 50) return micros > 0 ? '<$0.0001' : '>-$0.0001';
  return formatUsdFixed(micros, 4);
}

/**
 * Amounts read side by side, to the same decimals: four when any of them is below ten cents
 * and not a whole number of cents, so "$0.0168 saved (all-Opus: $0.0210)" rather than
 * "$0.02 saved (all-Opus: $0.02)", where two decimals leave one significant digit and the
 * pair reads as everything saved. Whole cents stay cents: "$0.02 of $0.05".
 */
export function formatUsdAlike(micros: readonly number[]): string[] {
  const small = micros.some((m) => m !== 0 && Math.abs(m) < 100_000 && m % 10_000 !== 0);
  return micros.map((m) => (small && Math.abs(m) >= 50 ? formatUsdFixed(m, 4) : formatUsd(m)));
}

/** What the same calls would have cost on the Opus tier, against what they cost. */
export interface OpusComparison {
  /** `saved` when the calls cost less than all-Opus would have. */
  direction: 'saved' | 'more';
  /** The difference and the all-Opus figure, to the same decimals. */
  difference: string;
  allOpus: string;
  /** The difference as a whole percentage of all-Opus ("80%"); undefined when all-Opus is 0. */
  percent?: string;
}

export function opusComparison(micros: number, opusMicros: number): OpusComparison {
  const saved = opusMicros - micros;
  const [difference = '', allOpus = ''] = formatUsdAlike([Math.abs(saved), opusMicros]);
  const comparison: OpusComparison = { direction: saved >= 0 ? 'saved' : 'more', difference, allOpus };
  if (opusMicros > 0) comparison.percent = `${Math.round((Math.abs(saved) * 100) / opusMicros)}%`;
  return comparison;
}

/** Every micro-dollar: "$0.001234". Exports and the tooltip's exact total use it. */
export function formatUsdExact(micros: number): string {
  return formatUsdFixed(micros, 6);
}

/** The plain decimal dollar string of integer micros ("0.001234"), for CSV and JSON. */
export function microsToDecimal(micros: number): string {
  const negative = micros < 0;
  const abs = Math.abs(Math.trunc(micros));
  return `${negative ? '-' : ''}${Math.floor(abs / MICROS_PER_USD)}.${String(abs % MICROS_PER_USD).padStart(6, '0')}`;
}

/** Token counts for people: 950, 12.3k, 4.56M (999,950 rounds to 1M, not "1000k"). */
export function formatTokens(tokens: number): string {
  if (tokens < 1000) return String(tokens);
  const thousands = (tokens / 1000).toFixed(tokens < 10_000 ? 2 : 1);
  if (Number(thousands) < 1000) return `${trimZeros(thousands)}k`;
  return `${trimZeros((tokens / 1_000_000).toFixed(2))}M`;
}

/** "12.30" → "12.3", "4.00" → "4". */
function trimZeros(decimal: string): string {
  return decimal.replace(/\.?0+$/, '');
}

/** A count with its noun, for people: "1 call", "2 calls", "0 findings". */
export function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * "2 calls", or "2 calls; 3 attempts not billed": an attempt that failed before the API billed
 * it is in the ledger at $0, but is not a billed call (the tooltip counts them the same way).
 */
export function callsSaid(records: readonly { costMicros: number }[]): string {
  const billed = records.filter((r) => r.costMicros > 0).length;
  const unbilled = records.length - billed;
  return `${countOf(billed, 'call')}${unbilled > 0 ? `; ${countOf(unbilled, 'attempt')} not billed` : ''}`;
}
