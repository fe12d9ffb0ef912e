import * as vscode from 'vscode';
import { lookupPrice, modelWarnings, PRICE_TABLE, tableWarnings, tableWithOverrides } from '../core/pricing/priceTable';
import { ladderOf } from '../core/settings/schema';
import type { PriceTable } from '../core/pricing/priceTable';
import type { Config } from './config';
import type { Log } from './log';

/**
 * The price table in force: the dated built-in table with the user's validated overrides
 * applied. A bad override is named (setting and key) and ignored; a stale table or a rate
 * equal to a stale anchor is warned about once per change.
 */
export class Pricing implements vscode.Disposable {
  private current: PriceTable = PRICE_TABLE;
  /** The overrides setting the table was built from, to tell a change of prices from any other. */
  private overrides: string;
  private readonly subscription: vscode.Disposable;
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires after the table changed (the overrides setting did). */
  readonly onDidChange = this.emitter.event;

  /** The ladder's models without a price, as last told (so a change of anything else does not repeat it). */
  private unpriced = '';

  constructor(private readonly config: Config, private readonly log: Log) {
    this.overrides = this.overridesKey();
    this.current = this.build();
    this.checkLadder();
    this.subscription = config.onDidChange(() => {
      const overrides = this.overridesKey();
      if (overrides !== this.overrides) {
        this.overrides = overrides;
        this.current = this.build();
        this.emitter.fire();
      }
      this.checkLadder();
    });
  }

  /**
   * A model on the ladder (or among its fallbacks) that the table does not know is priced at
   * the dearest known rates, so the meter over-counts and a budget can block or downgrade on
   * an estimate many times too high: said once, not only in each call's log line.
   */
  private checkLadder(): void {
    const settings = this.config.settings;
    const models = [...new Set([...Object.values(ladderOf(settings)), ...Object.values(settings['models.alternates']).flat()])];
    const unpriced = models.filter((m) => !lookupPrice(m, this.current).known);
    const key = unpriced.join(',');
    if (key === this.unpriced) return;
    this.unpriced = key;
    if (unpriced.length > 0) this.log.warnUser(`Ladder pricing: ${modelWarnings(unpriced[0] as string, this.current)[0] ?? ''}${unpriced.length > 1 ? ` (and ${unpriced.slice(1).join(', ')})` : ''}.`);
  }

  private overridesKey(): string {
    return JSON.stringify(this.config.get('pricing.overrides') ?? {});
  }

  get table(): PriceTable {
    return this.current;
  }

  private build(): PriceTable {
    const { table, errors: problems } = tableWithOverrides(this.config.get('pricing.overrides'));
    const warnings = tableWarnings(table, new Date());
    for (const line of [...problems, ...warnings]) this.log.warn(`pricing: ${line}`);
    if (problems.length > 0 || warnings.length > 0) {
      const first = problems[0] ?? warnings[0];
      this.log.warnUser(`Ladder pricing: ${first}${problems.length + warnings.length > 1 ? ' (more in the logs)' : ''}`);
    }
    return table;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
