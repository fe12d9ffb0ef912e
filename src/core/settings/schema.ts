import { z } from 'zod';
import type { Tier } from '../tiers';
import { isTier, minTier } from '../tiers';

/**
 * Ladder's settings, validated here rather than trusted from the editor. Each setting is
 * parsed on its own: a malformed value is reported by name and replaced by its default,
 * and the others still apply.
 */
const tier = z.enum(['H', 'S', 'O', 'F']);
const modelId = z.string().regex(/^[a-z0-9][a-z0-9.@:_-]*$/i, 'a model id such as claude-sonnet-4-6');
const usd = z.number().finite().min(0);

export const SETTING_SCHEMAS = {
  'api.baseUrl': z.string().url().default('https://api.anthropic.com'),
  'api.timeoutSeconds': z.number().int().min(5).max(3600).default(120),
  'api.maxRetries': z.number().int().min(0).max(5).default(2),
  'models.labour': modelId.default('claude-haiku-4-5'),
  'models.execute': modelId.default('claude-sonnet-4-6'),
  'models.judgment': modelId.default('claude-opus-4-8'),
  'models.exception': modelId.default('claude-fable-5'),
  'models.alternates': z.partialRecord(tier, z.array(modelId)).default({}),
  'routing.accessCap': tier.default('O'),
  'routing.allowExceptionTier': z.boolean().default(false),
  'routing.maxEscalations': z.number().int().min(0).max(3).default(2),
  'routing.learnFromVerdicts': z.boolean().default(true),
  'routing.difficultyCheck': z.enum(['off', 'belowThreshold']).default('belowThreshold'),
  'routing.difficultyThreshold': z.number().min(0).max(1).default(0.55),
  'cache.ttl': z.enum(['5m', '1h', 'auto']).default('5m'),
  'budget.session': usd.default(0),
  'budget.daily': usd.default(0),
  'budget.onExceeded': z.enum(['block', 'downgrade']).default('block'),
  'statusBar.show': z.enum(['session', 'today']).default('session'),
  'pricing.overrides': z.record(z.string(), z.unknown()).default({}),
  'context.maxTreeEntries': z.number().int().min(0).max(20_000).default(400),
  'context.maxFileBytes': z.number().int().min(1_000).max(2_000_000).default(200_000),
} as const;

export type SettingKey = keyof typeof SETTING_SCHEMAS;
export type Settings = { [K in SettingKey]: z.output<(typeof SETTING_SCHEMAS)[K]> };

export const SETTINGS_SECTION = 'ladder';

export interface SettingsResult {
  settings: Settings;
  /** One message per malformed setting, naming it; empty when everything parsed. */
  errors: string[];
}

/**
 * Parses raw values (undefined = not set) into typed settings with defaults.
 * `read(key)` returns the raw value the editor holds for `ladder.<key>`.
 */
export function parseSettings(read: (key: SettingKey) => unknown): SettingsResult {
  const errors: string[] = [];
  const settings = {} as Record<SettingKey, unknown>;
  for (const key of Object.keys(SETTING_SCHEMAS) as SettingKey[]) {
    const schema = SETTING_SCHEMAS[key] as z.ZodType;
    const raw = read(key);
    const parsed = schema.safeParse(raw === null ? undefined : raw);
    if (parsed.success) {
      settings[key] = parsed.data;
    } else {
      const issue = parsed.error.issues[0];
      const fallback: unknown = schema.parse(undefined);
      // Name the entry that is wrong inside an object or list setting ("ladder.models.alternates.S").
      const where = (issue?.path ?? []).map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
      errors.push(`Setting "${SETTINGS_SECTION}.${key}${where}" is invalid (${issue?.message ?? 'bad value'}); using the default, ${describeDefault(key, fallback)}.`);
      settings[key] = fallback;
    }
  }
  return { settings: settings as Settings, errors };
}

/** One settings level's raw value for a setting (undefined when that level does not set it). */
export interface SettingLevel {
  level: string;
  value: unknown;
}

/**
 * Settings that guard spend are ceilings: every level (user, workspace, folder) may tighten
 * them, none may loosen another's, so a cloned repository's `.vscode/settings.json` cannot
 * lift your access cap or remove your budget. A level holding an invalid value is left out
 * and reported (falling back to the default would loosen: the default cap is the highest, the
 * default budget none). With no valid level the raw value is returned, for the schema to
 * report and replace by the default.
 */
function strictestOf<T>(key: SettingKey, levels: readonly SettingLevel[], valid: (v: unknown) => v is T, stricter: (a: T, b: T) => T, expected: string): { value: unknown; errors: string[] } {
  const set = levels.filter((l) => l.value !== undefined && l.value !== null);
  const values = set.map((l) => l.value).filter(valid);
  if (values.length === 0) return { value: set[0]?.value, errors: [] };
  const errors = set.filter((l) => !valid(l.value)).map((l) =>
    `Setting "${SETTINGS_SECTION}.${key}" in ${l.level} settings is invalid (${JSON.stringify(l.value)} is not ${expected}); ignored, so the other levels' value applies.`);
  return { value: values.reduce(stricter), errors };
}

/** The access cap across levels: the lowest valid tier. */
export function strictestCap(levels: readonly SettingLevel[]): { value: unknown; errors: string[] } {
  return strictestOf('routing.accessCap', levels, isTier, minTier, 'one of "H"|"S"|"O"|"F"');
}

const isBudget = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** A budget across levels: the smallest limit set anywhere (0 is no limit, so it never wins over a limit). */
export function strictestBudget(key: 'budget.session' | 'budget.daily', levels: readonly SettingLevel[]): { value: unknown; errors: string[] } {
  return strictestOf(key, levels, isBudget, (a, b) => (a === 0 ? b : b === 0 ? a : Math.min(a, b)), 'an amount of US dollars, 0 or more');
}

/** A default as a person reads it; a budget of 0 is no budget, which a user who set one must be told. */
function describeDefault(key: SettingKey, value: unknown): string {
  if (key.startsWith('budget.') && value === 0) return '0 (no limit)';
  return JSON.stringify(value);
}

/** The configured ladder, tier → model id. */
export function ladderOf(settings: Settings): Record<Tier, string> {
  return {
    H: settings['models.labour'],
    S: settings['models.execute'],
    O: settings['models.judgment'],
    F: settings['models.exception'],
  };
}
