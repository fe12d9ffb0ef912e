/**
 * Detectors for key-like strings. They decide that a file never enters a prompt, and let the
 * command layer refuse a selection or question that holds one. A match reports what kind of
 * secret it looks like and where, never the matched text: the result is safe to log, show in
 * the "left out" view, or put in an error message.
 *
 * Three families:
 * - vendor formats with a fixed shape (private key headers, Anthropic/OpenAI/AWS/GitHub/
 *   GitLab/Slack/Google/Stripe/npm/SendGrid/Twilio tokens, JWTs): precise, reported whenever
 *   they occur;
 * - places whose syntax says "this is a password" (`scheme://user:pass@host`, `;Password=` and
 *   `;AccountKey=` in connection strings, `<password>` elements, PHP `define('DB_PASSWORD', …)`,
 *   kubeconfig user credentials, `Authorization: Bearer|Basic`, .pgpass lines, `_authToken`):
 *   the value may be short and plain, so instead of randomness it must not be a stand-in, the
 *   placeholder docs and samples write there (`password`, `user:pass`, `${DB_PASSWORD}`,
 *   `<token>`, `YOUR_TOKEN`, `password_here`, the user name again);
 * - a generic `name = "value"` rule for assignments whose name says credential (api_key,
 *   secret, token, password, access_key, private_key, client_secret, credential) and whose
 *   value looks random. Ordinary code that merely talks about passwords or tokens
 *   (`const token = req.headers.authorization`, `password: string`, `"Bearer"`,
 *   `tokenizer = "cl100k_base"`) does not trip it: the value must be a literal of 16+
 *   characters, mix letters and digits, have high entropy, and not be a placeholder,
 *   an environment lookup, a URL or a run of dictionary-like words.
 */

export type SecretKind =
  | 'privateKey'
  | 'anthropicKey'
  | 'openaiKey'
  | 'awsAccessKey'
  | 'githubToken'
  | 'gitlabToken'
  | 'slackToken'
  | 'slackWebhook'
  | 'googleApiKey'
  | 'stripeKey'
  | 'npmToken'
  | 'sendgridKey'
  | 'twilioKey'
  | 'jwt'
  | 'urlPassword'
  | 'connectionString'
  | 'xmlPassword'
  | 'phpDefine'
  | 'kubeconfigCredential'
  | 'authorizationHeader'
  | 'pgpassLine'
  | 'registryToken'
  | 'credentialAssignment';

/** One key-like string found in a text. Holds no part of the secret. */
export interface SecretMatch {
  readonly kind: SecretKind;
  /** Human label, e.g. "Anthropic API key". */
  readonly label: string;
  /** 1-based line of the match. */
  readonly line: number;
}

interface Detector {
  readonly kind: SecretKind;
  readonly label: string;
  readonly pattern: RegExp;
  /** Cheap substring test that must pass before the regex runs (most files fail it). */
  readonly hint: (text: string) => boolean;
  /**
   * Extra check on the candidate value: the `value` group, else the first capture group, else
   * the whole match. Other named groups (`user`, `host`, `scheme`) come along.
   */
  readonly accept?: (value: string, groups: Record<string, string | undefined>) => boolean;
}

const DETECTORS: readonly Detector[] = [
  {
    kind: 'privateKey',
    label: 'private key',
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g,
    hint: (t) => t.includes('PRIVATE KEY'),
  },
  {
    kind: 'anthropicKey',
    label: 'Anthropic API key',
    pattern: /\bsk-ant-(?:[a-z]+\d*-)?[A-Za-z0-9_-]{20,}/g,
    hint: (t) => t.includes('sk-ant-'),
  },
  {
    kind: 'openaiKey',
    label: 'OpenAI API key',
    pattern: /\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}|\bsk-[A-Za-z0-9]{48}\b/g,
    hint: (t) => t.includes('sk-'),
  },
  {
    kind: 'awsAccessKey',
    label: 'AWS access key id',
    pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g,
    hint: (t) => /A(?:KI|SI|BI|CC)A/.test(t),
  },
  {
    kind: 'githubToken',
    label: 'GitHub token',
    pattern: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b|\bgithub_pat_[A-Za-z0-9_]{22,255}\b/g,
    hint: (t) => /gh[pousr]_|github_pat_/.test(t),
  },
  {
    kind: 'gitlabToken',
    label: 'GitLab token',
    pattern: /\bglpat-[A-Za-z0-9_-]{20,}/g,
    hint: (t) => t.includes('glpat-'),
  },
  {
    kind: 'slackToken',
    label: 'Slack token',
    pattern: /\bxox[abposre]-[A-Za-z0-9-]{10,}/g,
    hint: (t) => t.includes('xox'),
  },
  {
    kind: 'slackWebhook',
    label: 'Slack webhook URL',
    pattern: /https:\/\/hooks\.slack\.com\/services\/T[A-Za-z0-9_]+\/B[A-Za-z0-9_]+\/[A-Za-z0-9_]{16,}/g,
    hint: (t) => t.includes('hooks.slack.com'),
  },
  {
    kind: 'googleApiKey',
    label: 'Google API key',
    pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g,
    hint: (t) => t.includes('AIza'),
  },
  {
    kind: 'stripeKey',
    label: 'Stripe live key',
    pattern: /\b[rs]k_live_[0-9A-Za-z]{16,}/g,
    hint: (t) => t.includes('k_live_'),
  },
  {
    kind: 'npmToken',
    label: 'npm token',
    pattern: /\bnpm_[A-Za-z0-9]{36}\b/g,
    hint: (t) => t.includes('npm_'),
  },
  {
    kind: 'sendgridKey',
    label: 'SendGrid API key',
    pattern: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g,
    hint: (t) => t.includes('SG.'),
  },
  {
    kind: 'twilioKey',
    label: 'Twilio API key or account SID',
    pattern: /\b(?:AC|SK)[0-9a-f]{32}\b/g,
    hint: (t) => /(?:AC|SK)[0-9a-f]{32}/.test(t),
    accept: (v) => shannonEntropy(v) >= 3,
  },
  {
    kind: 'jwt',
    label: 'JSON Web Token',
    pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g,
    hint: (t) => t.includes('eyJ'),
    accept: (v) => !isSampleJwt(v),
  },
  {
    kind: 'urlPassword',
    label: 'password in a URL',
    // No scheme before `://`: matching one costs a try at every word in the file.
    pattern: /:\/\/(?<user>[^\s:@/'"`]*):(?<value>[^\s@/'"`]+)@(?<host>[\w[][\w.-]*)/g,
    hint: (t) => t.includes('://') && t.includes('@'),
    // Hosts reserved for documentation (RFC 2606) never take a real password.
    accept: (v, g) => !isStandIn(v, g.user) && !/(?:^|\.)(?:example(?:\.(?:com|net|org))?|test|invalid)$/i.test(g.host ?? ''),
  },
  {
    kind: 'connectionString',
    label: 'connection-string key or password',
    // A run of `key=value;` pairs (ODBC values may be {braced}) that starts a word, with no
    // space around `=`: a connection string, not `a; password = x` or minified `r=n.user;password=n.password`.
    // The run is capped: a start after each space inside a key rescans at most 30 pairs.
    pattern: /(?<=^|[\s"'`])(?<conn>(?:\w{1,40}(?: \w{1,40}){0,2}=(?:\{[^}\n]{0,200}\}|[^;"'\s]*); ?){1,30})(?:AccountKey|SharedAccessKey|Password|Pwd)=(?<value>[^;"'\s]+)/gim,
    hint: (t) => /accountkey=|sharedaccesskey=|password=|pwd=/i.test(t),
    accept: (v, g) => CONNECTION_KEY.test(g.conn ?? '') && !isStandIn(v, CONNECTION_USER.exec(g.conn ?? '')?.[1]) && v !== AZURITE_ACCOUNT_KEY,
  },
  {
    kind: 'xmlPassword',
    label: 'password in XML',
    // No lazy or optional spaces around the value: with no closing tag they cost a rescan per space.
    pattern: /<(?<tag>password|passphrase)>(?<value>[^<]*)<\/\k<tag>>/gi,
    hint: (t) => /<pass(?:word|phrase)>/i.test(t),
    accept: (v) => !isStandIn(v.trim()),
  },
  {
    kind: 'phpDefine',
    label: 'secret in a PHP define()',
    // The secret word ends the name: DB_PASSWORD, NONCE_SALT, STRIPE_SECRET_KEY, but not
    // PRIMARY_KEY, BYPASS_CACHE, TOKEN_TYPE or PASSWORD_RESET_ROUTE.
    pattern: /\bdefine\(\s*["'](?:[A-Z0-9_]*_)?(?:PASS(?:WORD|WD)?|SECRET|SALT|TOKEN|(?:AUTH|LOGGED_IN|NONCE|API|SECRET|PRIVATE|ACCESS)_?KEY)["']\s*,\s*(?:'(?<value>[^']+)'|"([^"]+)")/g,
    hint: (t) => t.includes('define('),
    accept: (v) => !isStandIn(v),
  },
  {
    kind: 'kubeconfigCredential',
    label: 'kubeconfig credential',
    pattern: /^[ \t]*(?:client-key-data|client-certificate-data|token):[ \t]*["']?(?<value>[^\s"'#]{16,})/gm,
    // `token:` counts only in a file shaped like a kubeconfig; the generic rule judges the rest.
    hint: (t) => /-data:|clusters:/.test(t) && (/client-(?:key|certificate)-data:/.test(t) || (t.includes('clusters:') && t.includes('users:'))),
    accept: (v) => !isStandIn(v),
  },
  {
    kind: 'authorizationHeader',
    label: 'Authorization header credential',
    pattern: /\bAuthorization["']?[ \t]*[:=][ \t]*["'`]?(?<scheme>Bearer|Basic)[ \t]+(?<value>[A-Za-z0-9._~+/=-]{8,})/gi,
    hint: (t) => /authorization/i.test(t),
    accept: (v, g) => (g.scheme?.toLowerCase() === 'basic' ? isBasicCredential(v) : looksLikeRandomSecret(v) && !isSampleJwt(v)),
  },
  {
    kind: 'pgpassLine',
    label: 'PostgreSQL password-file line',
    // host:port:database:user:password, alone on its line.
    pattern: /^[\w.*-]+:(?:\d{2,5}|\*):[\w.*-]+:(?<user>[\w.@*-]+):(?<value>\S+)$/gm,
    hint: (t) => /:(?:\d{2,5}|\*):/.test(t),
    accept: (v, g) => /[A-Za-z]/.test(v) && !isStandIn(v, g.user),
  },
  {
    kind: 'registryToken',
    label: 'package registry auth token',
    // npm's `_authToken=…` and yarn v1's `"…:_authToken" "…"`.
    pattern: /_authToken["']?(?:[ \t]+|[ \t]*[=:][ \t]*)["']?(?<value>[^\s"'$]{8,})/g,
    hint: (t) => t.includes('_authToken'),
    accept: (v) => !isStandIn(v) && /\d/.test(v) && /[A-Za-z]/.test(v),
  },
  {
    kind: 'credentialAssignment',
    label: 'credential assigned as a literal',
    // name ... (= | : | := | =>) then a quoted literal or a bare value running to the line end.
    pattern:
      /(?:api[_.-]?key|apikey|secret|token|passw(?:or)?d|pwd|access[_.-]?key|private[_.-]?key|credential)[A-Za-z0-9_.-]*["']?[ \t]*(?::=|=>|=|:)[ \t]*(?:["'`]([^"'`\s]{16,256})["'`]|([A-Za-z0-9+/=_-]{16,256})(?=[ \t]*(?:[;,#]|$)))/gim,
    hint: (t) => /api.?key|secret|token|passw|pwd|access.?key|credential/i.test(t),
    accept: looksLikeRandomSecret,
  },
];

/**
 * Every key-like string in `text`, in order of position. Only kinds and line numbers are
 * returned. Two detectors matching the same spot are reported once (the more specific one).
 */
export function findSecretLikeStrings(text: string): SecretMatch[] {
  const found: { index: number; kind: SecretKind; label: string }[] = [];
  const taken = new Set<number>();
  for (const detector of DETECTORS) {
    if (!detector.hint(text)) continue;
    for (const match of text.matchAll(detector.pattern)) {
      const groups = match.groups ?? {};
      const value = groups.value ?? match[1] ?? match[2] ?? match[0];
      if (detector.accept && !detector.accept(value, groups)) continue;
      const valueIndex = match.index + match[0].lastIndexOf(value);
      if (taken.has(valueIndex)) continue;
      taken.add(valueIndex);
      found.push({ index: valueIndex, kind: detector.kind, label: detector.label });
    }
  }
  if (found.length === 0) return [];
  found.sort((a, b) => a.index - b.index);
  const lineOf = lineLocator(text);
  return found.map((f) => ({ kind: f.kind, label: f.label, line: lineOf(f.index) }));
}

/** "Anthropic API key (line 3), private key (line 10)": safe to show, holds no secret. */
export function describeSecretMatches(matches: readonly SecretMatch[], limit = 3): string {
  const shown = matches.slice(0, limit).map((m) => `${/^(npm|[aeiou])/i.test(m.label) ? 'an' : 'a'} ${m.label} (line ${m.line})`);
  const more = matches.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

const PLACEHOLDER_WORDS = /your|example|sample|dummy|placeholder|changeme|change_me|redacted|replace|xxxx|\*\*\*/i;
const TEMPLATE = /\$\{|\{\{|%s|process\.env|os\.environ|getenv|env\(/i;

/**
 * The value side of the generic rule. Random keys mix letters and digits and carry close to
 * log2(alphabet) bits a character; identifiers, words and paths do not.
 */
export function looksLikeRandomSecret(value: string): boolean {
  if (value.length < 16) return false;
  if (PLACEHOLDER_WORDS.test(value) || TEMPLATE.test(value) || /[<>]/.test(value)) return false;
  if (value.includes('://') || value.startsWith('arn:')) return false;
  if (!/[A-Za-z]/.test(value) || !/\d/.test(value)) return false;
  if (isWordLike(value)) return false;
  return shannonEntropy(value) >= 3.5;
}

/** Words docs and samples put where a password goes, alone or run together ("mysecretpassword"). */
const STOCK_PASSWORD = /^(?:my|the|some|super|new|app|db|dev|local|default|test|demo|secret|password|passwd|pass|pwd|pw|change|me|admin|root|user|username|guest|foo|bar|baz|fake|here|token|key|api|letmein|qwerty|hunter|abc|x|random|opensesame)+$/;

/**
 * Whether a password-shaped value is what docs and samples write there rather than a real
 * password: a placeholder word, a variable or template (`${DB_PASSWORD}`, `$PGPASSWORD`,
 * `%s`), a value wrapped in <>, [] or {}, the user name again or a placeholder user, stock
 * words give or take digits and leetspeak (`Passw0rd!`, `pass123`, `password_here`, Prisma's
 * `randompassword`, RFC 7617's `open sesame`), the type or value a WSDL sample shows
 * (`string`, `true`), or too short to be a real one (`u:p@h`, a few digits).
 */
function isStandIn(value: string, user?: string): boolean {
  if (PLACEHOLDER_WORDS.test(value) || TEMPLATE.test(value) || /^\$\w+$|\$\(|%\(|^<.*>$|^\[.*\]$|^\{\w*\}$/.test(value)) return true;
  const lower = value.toLowerCase();
  if (value.length < 4 || lower === user?.toLowerCase() || PLACEHOLDER_WORDS.test(user ?? '') || /^(?:string|true|false|null)$/.test(lower)) return true;
  const letters = lower.replace(/[^a-z]/g, '');
  if (letters === '') return value.length < 8;
  const unleet = lower.replace(/[@4]/g, 'a').replace(/0/g, 'o').replace(/3/g, 'e').replace(/1/g, 'i').replace(/[5$]/g, 's').replace(/[^a-z]/g, '');
  return letters.length <= 40 && (STOCK_PASSWORD.test(letters) || STOCK_PASSWORD.test(unleet));
}

/** Keys that make a `key=value;` run a connection string: where to connect, or to which account. */
const CONNECTION_KEY = /(?:^|[;=]) ?(?:Server|Host|Data Source|Address|Addr|Database|Initial Catalog|Dbname|Driver|Provider|DSN|Port|AccountName|Endpoint|DefaultEndpointsProtocol|SharedAccessKeyName)=/i;
/** The user a connection string names, judged with its password like a URL's. */
const CONNECTION_USER = /(?:^|[;=]) ?(?:User Id|UserId|Username|Uid|User)=([^;]*)/i;

/** The account key every Azure Storage emulator (Azurite) accepts, published in its docs: no secret. */
const AZURITE_ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** A Basic credential is base64 of `user:password`; judged like any other password. */
function isBasicCredential(value: string): boolean {
  const decoded = decodeBase64(value);
  const colon = decoded.indexOf(':');
  return colon >= 0 && /^[\x20-\x7e]+$/.test(decoded) && !isStandIn(decoded.slice(colon + 1), decoded.slice(0, colon));
}

/** jwt.io's example token (sub 1234567890, "John Doe"), pasted into countless READMEs. */
function isSampleJwt(value: string): boolean {
  return /"sub":\s*"1234567890"/.test(decodeBase64(value.split('.')[1] ?? ''));
}

/** Standard or base64url text, padded or not; '' when it is neither. */
function decodeBase64(value: string): string {
  try {
    return atob(value.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return '';
  }
}

/** Bits per character of the value's own character distribution. */
function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * camelCase or kebab/snake runs of words and numbers ("refreshToken2Expired",
 * "prod-db-password-2024", "v1.2.3-release-candidate"): names, not keys.
 */
function isWordLike(value: string): boolean {
  const pieces = value.split(/[-_./]+/).filter((p) => p.length > 0);
  return pieces.every((piece) => /^(?:[A-Za-z][a-z]*|[a-z]+(?:[A-Z][a-z]+)*|\d+|[A-Z]+)$/.test(piece) || /^[a-z]+(?:[A-Z][a-z]+|\d+)+$/.test(piece));
}

function lineLocator(text: string): (index: number) => number {
  const starts: number[] = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (index) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
