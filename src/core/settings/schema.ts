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
  'api.baseUrl': z.string().url().refine((url) => /^https?:\/\//i.test(url), 'an http(s) address such as https://api.anthropic.com').default('https://api.anthropic.com'),
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
    `Setting "${SETTINGS_SECTION}.${key}" in ${levelName(l.level)} is invalid (${JSON.stringify(l.value)} is not ${expected}); ignored, so the other levels' value applies.`);
  return { value: values.reduce(stricter), errors };
}

/**
 * The access cap across levels: the lowest valid tier. Set nowhere, it is the exception tier
 * once you have opted in to it (`routing.allowExceptionTier`, user settings), else the
 * default, judgment: the opt-in alone is how a person asks for that tier, and needing a
 * second setting for it to do anything surprised. Any level can still set a lower cap.
 */
export function strictestCap(levels: readonly SettingLevel[], exceptionOptIn = false): { value: unknown; errors: string[] } {
  const result = strictestOf('routing.accessCap', levels, isTier, minTier, 'one of "H"|"S"|"O"|"F"');
  return result.value === undefined && exceptionOptIn ? { value: 'F', errors: result.errors } : result;
}

const isBudget = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** A budget across levels: the smallest limit set anywhere (0 is no limit, so it never wins over a limit). */
export function strictestBudget(key: 'budget.session' | 'budget.daily', levels: readonly SettingLevel[]): { value: unknown; errors: string[] } {
  return strictestOf(key, levels, isBudget, (a, b) => (a === 0 ? b : b === 0 ? a : Math.min(a, b)), 'an amount of US dollars, 0 or more');
}

const isOnExceeded = (v: unknown): v is 'block' | 'downgrade' => v === 'block' || v === 'downgrade';

/**
 * What an exceeded budget does, across levels: `block` wherever it is set, and by default
 * when your user settings choose nothing (`downgrade` keeps spending past the limit, so only
 * you can choose it).
 */
export function strictestOnExceeded(levels: readonly SettingLevel[]): { value: unknown; errors: string[] } {
  const withDefault = isOnExceeded(userValueOf(levels)) ? levels : [...levels, { level: 'default', value: 'block' }];
  return strictestOf('budget.onExceeded', withDefault, isOnExceeded, (a, b) => (a === 'block' || b === 'block' ? 'block' : 'downgrade'), '"block" or "downgrade"');
}

const isEscalationLimit = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 3;

/** Escalations per step across levels: the lowest limit set anywhere (each one is a paid call up the ladder). */
export function strictestEscalations(levels: readonly SettingLevel[]): { value: unknown; errors: string[] } {
  return strictestOf('routing.maxEscalations', levels, isEscalationLimit, (a, b) => Math.min(a, b), 'a whole number from 0 to 3');
}

/** Settings that make each request spend more as they go up, in order of that spend. */
const SPEND_ORDER = {
  'cache.ttl': ['5m', 'auto', '1h'],
  'routing.difficultyCheck': ['off', 'belowThreshold'],
  // Learning from your rejections starts steps a tier up.
  'routing.learnFromVerdicts': [false, true],
} as const;
export type SpendSettingKey = keyof typeof SPEND_ORDER | 'routing.difficultyThreshold';

/**
 * A setting that raises what each request costs, across levels: the lowest of the levels'
 * values and yours (or the default when you set none). A workspace may lower it, not raise
 * it: a 1-hour cache TTL doubles the price of every cache write, and a difficulty threshold
 * of 1 adds a paid check to almost every request.
 */
export function lowestSpendAcrossLevels(key: SpendSettingKey, levels: readonly SettingLevel[]): { value: unknown; errors: string[] } {
  const fallback = (SETTING_SCHEMAS[key] as z.ZodType).parse(undefined);
  // Not set is not valid here: the schema would read it as its default.
  const valid = (v: unknown): v is string | number | boolean => v !== undefined && v !== null && (SETTING_SCHEMAS[key] as z.ZodType).safeParse(v).success;
  const withDefault = valid(userValueOf(levels)) ? levels : [...levels, { level: 'default', value: fallback }];
  if (key === 'routing.difficultyThreshold') {
    return strictestOf(key, withDefault, valid, (a, b) => Math.min(Number(a), Number(b)), 'a number from 0 to 1');
  }
  const order: readonly unknown[] = SPEND_ORDER[key];
  return strictestOf(key, withDefault, valid, (a, b) => (order.indexOf(a) <= order.indexOf(b) ? a : b), order.map((v) => JSON.stringify(v)).join(' or '));
}

/** The bounds of the cached context: how much of the workspace goes into every request's prefix. */
export type ContextBoundKey = 'context.maxTreeEntries' | 'context.maxFileBytes';

const BOUND_RANGE: Readonly<Record<ContextBoundKey, string>> = { 'context.maxTreeEntries': '0 to 20000', 'context.maxFileBytes': '1000 to 2000000' };

/**
 * A context bound across levels. The prefix it grows is sent (and cached) with every request,
 * so your user value, or the default when you set none, is a ceiling: a workspace or folder may
 * lower it, and a higher value is ignored and named. Later levels win, as in VS Code.
 */
export function boundAcrossLevels(key: ContextBoundKey, levels: readonly SettingLevel[]): { value: unknown; errors: string[] } {
  const schema = SETTING_SCHEMAS[key];
  const user = userValueOf(levels);
  const userSet = user !== undefined && schema.safeParse(user).success;
  const ceiling = (userSet ? user : schema.parse(undefined)) as number;
  const source = userSet ? 'your user setting' : 'the default';
  return laterLevelsUnlessRefused(levels, (value, level) => {
    // Falling back to the default could loosen your own lower value.
    if (!schema.safeParse(value).success) return `Setting "${SETTINGS_SECTION}.${key}" in ${levelName(level)} is invalid (${JSON.stringify(value)} is not a whole number from ${BOUND_RANGE[key]}); ignored, so the other levels' value applies.`;
    if ((value as number) > ceiling) return `Setting "${SETTINGS_SECTION}.${key}" in ${levelName(level)} asks for ${value}, above ${source} (${ceiling}); ignored, since it would grow what every request sends. Set it in your user settings to use it.`;
    return undefined;
  });
}

/** The settings that put a model on a tier. */
export const MODEL_KEYS = ['models.labour', 'models.execute', 'models.judgment', 'models.exception'] as const;
export type ModelKey = (typeof MODEL_KEYS)[number];
const TIER_OF_MODEL_KEY: Readonly<Record<ModelKey, Tier>> = { 'models.labour': 'H', 'models.execute': 'S', 'models.judgment': 'O', 'models.exception': 'F' };

/** Why a call on `candidate` can cost more than on `base`, or undefined (see dearerPerCall). */
export type Pricier = (candidate: string, base: string) => string | undefined;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function levelName(level: string): string {
  return `${level} settings`;
}

/** The user level's raw value. */
function userValueOf(levels: readonly SettingLevel[]): unknown {
  return levels.find((l) => l.level === 'user')?.value;
}

/**
 * Your user value, then each later level (workspace, folder) that sets one and is not refused,
 * the last winning as in VS Code; `refuse` says why a level's value is ignored.
 */
function laterLevelsUnlessRefused(levels: readonly SettingLevel[], refuse: (value: unknown, level: string) => string | undefined): { value: unknown; errors: string[] } {
  let value = userValueOf(levels);
  const errors: string[] = [];
  for (const l of levels) {
    if (l.level === 'user' || l.value === undefined || l.value === null) continue;
    const why = refuse(l.value, l.level);
    if (why) errors.push(why);
    else value = l.value;
  }
  return { value, errors };
}

/** The model your user settings put on a tier, or the default when they do not (or not validly). */
export function userModel(key: ModelKey, userValue: unknown): string {
  return modelId.safeParse(userValue).success ? (userValue as string) : (SETTING_SCHEMAS[key].parse(undefined) as string);
}

/**
 * A tier's model across levels. A workspace or folder may put a model on a tier that costs no
 * more than the one your user settings (or the default) put there; a pricier one is left out
 * and named, so a cloned repository cannot move your labour onto the most expensive model.
 * Later levels win, as in VS Code (user, then workspace, then folder).
 */
export function modelAcrossLevels(key: ModelKey, levels: readonly SettingLevel[], pricier: Pricier): { value: unknown; errors: string[] } {
  const base = userModel(key, userValueOf(levels));
  return laterLevelsUnlessRefused(levels, (value, level) => {
    // Replacing yours with the default could cost more than your own choice.
    if (!modelId.safeParse(value).success) return `Setting "${SETTINGS_SECTION}.${key}" in ${levelName(level)} is invalid (${JSON.stringify(value)} is not a model id); ignored, so the other levels' value applies.`;
    const dearer = pricier(value as string, base);
    return dearer && `Setting "${SETTINGS_SECTION}.${key}" in ${levelName(level)} asks for a model for the ${TIER_OF_MODEL_KEY[key]} tier, but ${dearer}; ignored. Set it in your user settings to use it.`;
  });
}

/**
 * Same-tier fallback models across levels: a workspace's or folder's list for a tier keeps only
 * models that cost no more than that tier's model (`ladder`, from user settings or defaults).
 */
export function alternatesAcrossLevels(levels: readonly SettingLevel[], ladder: Readonly<Record<Tier, string>>, pricier: Pricier): { value: unknown; errors: string[] } {
  let value: unknown = userValueOf(levels);
  const errors: string[] = [];
  for (const l of levels) {
    if (l.level === 'user' || l.value === undefined || l.value === null) continue;
    if (!isPlainObject(l.value)) {
      // Replacing your fallbacks with none would send an overload up the ladder instead.
      errors.push(`Setting "${SETTINGS_SECTION}.models.alternates" in ${levelName(l.level)} is invalid (${JSON.stringify(l.value)} is not an object of tiers to lists of model ids); ignored, so the other levels' value applies.`);
      continue;
    }
    // Keys of a later level replace those of an earlier one, as VS Code merges object settings.
    const merged: Record<string, unknown> = isPlainObject(value) ? { ...value } : {};
    for (const [tier, list] of Object.entries(l.value)) {
      if (!isTier(tier) || !Array.isArray(list)) {
        errors.push(`Setting "${SETTINGS_SECTION}.models.alternates.${tier}" in ${levelName(l.level)} is invalid (${isTier(tier) ? 'not a list of model ids' : 'not one of the tiers "H"|"S"|"O"|"F"'}); ignored, so the other levels' value applies.`);
        continue;
      }
      const kept: string[] = [];
      for (const model of list) {
        const why = !modelId.safeParse(model).success ? `${JSON.stringify(model)} is not a model id` : pricier(model as string, ladder[tier]);
        if (why) errors.push(`Setting "${SETTINGS_SECTION}.models.alternates.${tier}" in ${levelName(l.level)} lists a model ${tier} may fall back to, but ${why}; left out. Set it in your user settings to use it.`);
        else kept.push(model as string);
      }
      merged[tier] = kept;
    }
    value = merged;
  }
  return { value, errors };
}

/** A default as a person reads it; a budget of 0 is no budget, which a user who set one must be told. */
function describeDefault(key: SettingKey, value: unknown): string {
  if (key.startsWith('budget.') && value === 0) return '0 (no limit)';
  return JSON.stringify(value);
}

/** The configured ladder, tier → model id. */
export function ladderOf(settings: Settings): Record<Tier, string> {
  return ladderFrom((key) => settings[key]);
}

/** A ladder, tier → model id, with each tier's model read by its setting key. */
export function ladderFrom(modelOf: (key: ModelKey) => string): Record<Tier, string> {
  const ladder = {} as Record<Tier, string>;
  for (const key of MODEL_KEYS) ladder[TIER_OF_MODEL_KEY[key]] = modelOf(key);
  return ladder;
}
