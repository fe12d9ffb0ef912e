import * as vscode from 'vscode';
import { applyPriceOverrides, parsePriceOverrides, PRICE_TABLE, tableWarnings } from '../core/pricing/priceTable';
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

  constructor(private readonly config: Config, private readonly log: Log) {
    this.overrides = this.overridesKey();
    this.current = this.build();
    this.subscription = config.onDidChange(() => {
      const overrides = this.overridesKey();
      if (overrides === this.overrides) return;
      this.overrides = overrides;
      this.current = this.build();
      this.emitter.fire();
    });
  }

  private overridesKey(): string {
    return JSON.stringify(this.config.get('pricing.overrides') ?? {});
  }

  get table(): PriceTable {
    return this.current;
  }

  private build(): PriceTable {
    const parsed = parsePriceOverrides(this.config.get('pricing.overrides'));
    const applied = applyPriceOverrides(PRICE_TABLE, parsed.overrides);
    const problems = [...parsed.errors, ...applied.errors];
    const warnings = tableWarnings(applied.table, new Date());
    for (const line of [...problems, ...warnings]) this.log.warn(`pricing: ${line}`);
    if (problems.length > 0 || warnings.length > 0) {
      const first = problems[0] ?? warnings[0];
      this.log.warnUser(`Ladder pricing: ${first}${problems.length + warnings.length > 1 ? ' (more in the logs)' : ''}`);
    }
    return applied.table;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
