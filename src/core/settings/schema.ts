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
export function parseSettings(read: (key: SettingKey) => unknown, levelOf?: (key: SettingKey) => string | undefined): SettingsResult {
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
      const level = levelOf?.(key);
      errors.push(`Setting "${SETTINGS_SECTION}.${key}${where}"${level ? ` in ${levelName(level)}` : ''} is invalid (${issue?.message ?? 'bad value'}); using the default, ${describeValue(key, fallback)}.`);
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
 * default budget none). With no valid level the default applies. Each message says the value
 * that applies instead; with `ceiling` (yours, or the default), a level asking for more than it
 * is named too.
 */
function strictestOf<T>(...args: Parameters<typeof strictestWithLevel<T>>): { value: unknown; errors: string[] } {
  const { value, errors } = strictestWithLevel(...args);
  return { value, errors };
}

/** strictestOf, and the level that won ("default" when none is valid), to say where a value comes from. */
function strictestWithLevel<T>(key: SettingKey, levels: readonly SettingLevel[], valid: (v: unknown) => v is T, stricter: (a: T, b: T) => T, expected: string, ceiling?: SettingLevel): { value: unknown; errors: string[]; level?: string } {
  const set = levels.filter((l) => l.value !== undefined && l.value !== null);
  if (set.length === 0) return { value: undefined, errors: [] };
  // Your value, or the default, takes part too: a workspace asking for more than it never wins.
  const validSet = [...set.filter((l) => valid(l.value)), ...(ceiling && !set.includes(ceiling) ? [ceiling] : [])];
  // With no valid level the default applies: an invalid one is named with its level here, not by the schema.
  const winner = validSet.length > 0 ? validSet.reduce((a, b) => (stricter(a.value as T, b.value as T) === a.value ? a : b)) : { level: 'default', value: (SETTING_SCHEMAS[key] as z.ZodType).parse(undefined) };
  const applies = `ignored, so ${levelValue(key, winner)}, applies.`;
  const errors = set.flatMap((l) => {
    if (!valid(l.value)) return [`Setting "${SETTINGS_SECTION}.${key}" in ${levelName(l.level)} is invalid (${JSON.stringify(l.value)} is not ${expected}); ${applies}`];
    // A refused raise is named, as a context bound's or a model's is.
    if (ceiling && l.level !== 'user' && l.level !== 'default' && stricter(l.value, ceiling.value as T) !== l.value) {
      return [`Setting "${SETTINGS_SECTION}.${key}" in ${levelName(l.level)} asks for ${JSON.stringify(l.value)}, which costs more per request than ${ceiling.level === 'user' ? 'your user value' : 'the default'}; ${applies} Set it in your user settings to use it.`];
    }
    return [];
  });
  return { value: winner.value, errors, level: winner.level };
}

/**
 * The access cap across levels: the lowest valid tier. Set nowhere, it is the exception tier
 * once you have opted in to it (`routing.allowExceptionTier`, user settings), else the
 * default, judgment: the opt-in alone is how a person asks for that tier, and needing a
 * second setting for it to do anything surprised. Any level can still set a lower cap.
 */
export function strictestCap(levels: readonly SettingLevel[], exceptionOptIn = false): { value: unknown; errors: string[]; level?: string } {
  // A level above yours (or the default) is named: a repository asking for a higher tier should be seen.
  // The opt-in counts where your cap is unset, not where it is malformed (that is no request for the top tier).
  const user = userValueOf(levels);
  const unset = user === undefined || user === null;
  const result = strictestWithLevel('routing.accessCap', levels, isTier, minTier, 'one of "H"|"S"|"O"|"F"', ceilingOf(levels, isTier, exceptionOptIn && unset ? 'F' : 'O'));
  return result.value === undefined && exceptionOptIn ? { value: 'F', errors: result.errors, level: 'default' } : result;
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
  return strictestOf('routing.maxEscalations', levels, isEscalationLimit, (a, b) => Math.min(a, b), 'a whole number from 0 to 3', ceilingOf(levels, isEscalationLimit, SETTING_SCHEMAS['routing.maxEscalations'].parse(undefined)));
}

/** Your valid user value, else the default: what a workspace or folder may not go above. */
function ceilingOf(levels: readonly SettingLevel[], valid: (v: unknown) => boolean, fallback: unknown): SettingLevel {
  const user = levels.find((l) => l.level === 'user');
  return user && valid(user.value) ? user : { level: 'default', value: fallback };
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
 * of 1 adds a paid check to almost every request. A level asking for more is named.
 */
export function lowestSpendAcrossLevels(key: SpendSettingKey, levels: readonly SettingLevel[]): { value: unknown; errors: string[] } {
  const fallback = (SETTING_SCHEMAS[key] as z.ZodType).parse(undefined);
  // Not set is not valid here: the schema would read it as its default.
  const valid = (v: unknown): v is string | number | boolean => v !== undefined && v !== null && (SETTING_SCHEMAS[key] as z.ZodType).safeParse(v).success;
  // strictestOf counts the ceiling as a level: yours, or the default when you set none.
  const ceiling = ceilingOf(levels, valid, fallback);
  if (key === 'routing.difficultyThreshold') {
    return strictestOf(key, levels, valid, (a, b) => Math.min(Number(a), Number(b)), 'a number from 0 to 1', ceiling);
  }
  const order: readonly unknown[] = SPEND_ORDER[key];
  return strictestOf(key, levels, valid, (a, b) => (order.indexOf(a) <= order.indexOf(b) ? a : b), order.map((v) => JSON.stringify(v)).join(' or '), ceiling);
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
  return laterLevelsUnlessRefused(key, levels, `a whole number from ${BOUND_RANGE[key]}`, (value) =>
    (value as number) > ceiling ? `asks for ${value}, above ${source} (${ceiling}), which would grow what every request sends` : undefined);
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
 * the last winning as in VS Code (undefined: the default). A value that is not `expected` is left
 * out at every level, yours too (falling back to the default could loosen your own lower value);
 * `refuse` says why a later level's valid value is. Each message says the value that applies instead.
 */
function laterLevelsUnlessRefused(key: SettingKey, levels: readonly SettingLevel[], expected: string, refuse: (value: unknown) => string | undefined): { value: unknown; errors: string[] } {
  const schema = SETTING_SCHEMAS[key] as z.ZodType;
  let applied: SettingLevel = { level: 'default', value: schema.parse(undefined) };
  const refused: { text: string; invalid: boolean }[] = [];
  for (const l of levels) {
    if (l.value === undefined || l.value === null) continue;
    const invalid = !schema.safeParse(l.value).success;
    const why = invalid ? `is invalid (${JSON.stringify(l.value)} is not ${expected})` : l.level === 'user' ? undefined : refuse(l.value);
    if (why) refused.push({ text: `Setting "${SETTINGS_SECTION}.${key}" in ${levelName(l.level)} ${why}`, invalid });
    else applied = l;
  }
  const errors = refused.map((r) => `${r.text}; ignored, so ${levelValue(key, applied)}, applies.${r.invalid ? '' : ' Set it in your user settings to use it.'}`);
  return { value: applied.level === 'default' ? undefined : applied.value, errors };
}

/**
 * A setting that guards no spend, across levels: the last level with a valid value wins, as in
 * VS Code, and an invalid one is named with its level and skipped (so a workspace's typo does
 * not undo your valid user value).
 */
export function lastValidAcrossLevels(key: SettingKey, levels: readonly SettingLevel[], expected: string): { value: unknown; errors: string[] } {
  return laterLevelsUnlessRefused(key, levels, expected, () => undefined);
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
  return laterLevelsUnlessRefused(key, levels, 'a model id', (value) => {
    const dearer = pricier(value as string, base);
    return dearer && `asks for a model for the ${TIER_OF_MODEL_KEY[key]} tier, but ${dearer}`;
  });
}

/**
 * Same-tier fallback models across levels. Each level's list for a tier adds to the lists before
 * it, yours first, and never drops any: fewer same-tier fallbacks send an overload up the ladder,
 * to a pricier tier. A workspace's or folder's additions keep only models that cost no more than
 * that tier's model (`ladder`, from user settings or defaults). Malformed entries are named with
 * their level at every level, yours too, and left out.
 */
export function alternatesAcrossLevels(levels: readonly SettingLevel[], ladder: Readonly<Record<Tier, string>>, pricier: Pricier): { value: unknown; errors: string[] } {
  const merged: Partial<Record<Tier, string[]>> = {};
  const problems: { tier?: Tier; text: string; advise?: boolean }[] = [];
  let set = false;
  for (const l of levels) {
    if (l.value === undefined || l.value === null) continue;
    set = true;
    if (!isPlainObject(l.value)) {
      problems.push({ text: `Setting "${SETTINGS_SECTION}.models.alternates" in ${levelName(l.level)} is invalid (${JSON.stringify(l.value)} is not an object of tiers to lists of model ids); ignored` });
      continue;
    }
    for (const [tier, list] of Object.entries(l.value)) {
      const setting = `Setting "${SETTINGS_SECTION}.models.alternates.${tier}" in ${levelName(l.level)}`;
      if (!isTier(tier) || !Array.isArray(list)) {
        problems.push({ tier: isTier(tier) ? tier : undefined, text: `${setting} is invalid (${isTier(tier) ? 'not a list of model ids' : 'not one of the tiers "H"|"S"|"O"|"F"'}); ignored` });
        continue;
      }
      const earlier = merged[tier] ?? [];
      const added: string[] = [];
      for (const model of list.filter((m) => !earlier.includes(m as string))) {
        if (!modelId.safeParse(model).success) {
          problems.push({ tier, text: `${setting} is invalid (${JSON.stringify(model)} is not a model id); left out` });
          continue;
        }
        const dearer = l.level === 'user' ? undefined : pricier(model as string, ladder[tier]);
        if (dearer) problems.push({ tier, text: `${setting} lists a model ${tier} may fall back to, but ${dearer}; left out`, advise: true });
        else added.push(model as string);
      }
      const dropped = earlier.filter((m) => !list.includes(m));
      if (dropped.length > 0) problems.push({ tier, text: `${setting} leaves out ${dropped.join(', ')}, which an overload on ${tier} falls back to before a pricier tier; kept` });
      merged[tier] = [...new Set([...earlier, ...added])];
    }
  }
  const applies = (tier: Tier | undefined): string => {
    if (tier) return `so ${tier} falls back to ${merged[tier]?.join(', ') || 'no other model'}`;
    return `so the fallbacks are ${JSON.stringify(merged)}${Object.keys(merged).length === 0 ? ' (none)' : ''}`;
  };
  const errors = problems.map((p) => `${p.text}, ${applies(p.tier)}.${p.advise ? ' Set it in your user settings to use it.' : ''}`);
  return { value: set ? merged : undefined, errors };
}

/** A value as a person reads it; a budget of 0 is no budget, which a user who set one must be told. */
function describeValue(key: SettingKey, value: unknown): string {
  if (key.startsWith('budget.') && value === 0) return '0 (no limit)';
  return JSON.stringify(value);
}

/** The value that applies and where it comes from: "the user value, 2", "the default, 0 (no limit)". */
function levelValue(key: SettingKey, { level, value }: SettingLevel): string {
  return `${level === 'default' ? 'the default' : `the ${level} value`}, ${describeValue(key, value)}`;
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

/** Settings that guard spend: what applies instead of one is said in the warning itself, never left to the log. */
const SPEND_GUARD = /"ladder\.(budget\.\w+|routing\.accessCap)"/;

/**
 * The one warning shown for a read's `errors`, and the setting to open from it when it is about
 * one. Every setting is named, once (a setting can have several errors); an error on a budget or
 * the access cap is said in full, so a guard on spend that no longer holds is not left to the log.
 */
export function settingsWarning(errors: readonly string[]): { message: string; setting: string | undefined; level: string | undefined } {
  const nameOf = (e: string): string => /"(ladder\.[^"]+)"/.exec(e)?.[1] ?? 'a setting';
  const names = [...new Set(errors.map(nameOf))];
  const guards = errors.filter((e) => SPEND_GUARD.test(e));
  const others = [...new Set(errors.filter((e) => !SPEND_GUARD.test(e)).map(nameOf))];
  const rest = others.length === 0 ? [] : [`${guards.length > 0 ? 'Also not' : 'Settings not'} applied as written: ${others.join(', ')}. The log says why, and what applies instead.`];
  const message = errors.length === 1 ? (errors[0] ?? '') : [...guards, ...rest].join(' ');
  // Straight to the setting when there is one ("ladder.models.alternates.S" → its setting).
  const setting = names.length === 1 ? /^ladder\.\w+\.\w+/.exec(names[0] ?? '')?.[0] : undefined;
  // The settings level every error names ("workspace", `folder "api"`), so Open Settings shows the values at fault.
  const levels = new Set(errors.map((e) => / in (user|workspace|folder "[^"]*") settings\b/.exec(e)?.[1]));
  const level = levels.size === 1 ? [...levels][0] : undefined;
  return { message, setting, level };
}
