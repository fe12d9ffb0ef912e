/**
 * Risky constructs in the code a request is about. "Review this" or "fix this" says nothing
 * about difficulty; the selection often does: a query built by string concatenation, an
 * `innerHTML` sink, a shell command, a lock. The classifier reads the request's words; this
 * reads the selected code, so that judgment work behind an innocent ask is not routed to a
 * cheaper tier.
 *
 * Each pattern names a construct, not a topic: `db.query("… WHERE id = " + id)` fires,
 * `db.query("… WHERE id = ?", [id])` does not; `re.exec(s)` is not a shell. Comment lines
 * are skipped. Nothing here is sent anywhere: it runs on text already in the editor.
 */

import { redactSecrets } from '../redact';

export type CodeRiskFamily = 'security' | 'concurrency' | 'integrity';

export interface CodeRisk {
  /** Stable id, `code.<family>.<name>`. */
  readonly id: string;
  readonly family: CodeRiskFamily;
  /** What the user reads, completed by the matched code: "builds SQL from strings". */
  readonly says: string;
  /**
   * The matched construct, cut to a few dozen characters: never the rest of its line, which
   * may hold a literal the user would not want in a log.
   */
  readonly match: string;
}

interface Pattern {
  readonly name: string;
  readonly family: CodeRiskFamily;
  readonly says: string;
  readonly re: RegExp;
}

const SQL_VERB = String.raw`(?:SELECT\b[^"'\x60\n]*?\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b`;

const PATTERNS: readonly Pattern[] = [
  // A string literal holding SQL that is joined to something: concatenation, interpolation,
  // printf-style or .format(). Placeholders passed beside the query ("?", "$1", %s with a
  // parameter tuple) are the fix, and do not match.
  {
    name: 'sqlFromStrings', family: 'security', says: 'builds SQL from strings',
    re: new RegExp(String.raw`${SQL_VERB}[^;\n]*?(?:["'\x60]\s*\+\s*[\w$(]|\$\{|["']\s*%\s*[\w(]|["']\s*\.\s*format\()|\bf["']${SQL_VERB}[^\n]*\{`, 'gim'),
  },
  {
    name: 'htmlSink', family: 'security', says: 'writes HTML from a string',
    re: /\.(?:innerHTML|outerHTML)\s*\+?=(?!=)|\binsertAdjacentHTML\s*\(|\bdocument\.write(?:ln)?\s*\(|\bdangerouslySetInnerHTML\b|\bv-html\s*=|\bmark_safe\s*\(|\{\{[^}\n]*\|\s*safe\b|\bbypassSecurityTrust\w*\s*\(/gm,
  },
  {
    name: 'shellCommand', family: 'security', says: 'runs a shell command',
    re: /\brequire\(\s*['"](?:node:)?child_process['"]\s*\)|\bfrom\s+['"](?:node:)?child_process['"]|\bexecSync\s*\(|\bos\.(?:system|popen)\s*\(|\bsubprocess\.\w+\([^)\n]*\bshell\s*=\s*True|\bRuntime\.getRuntime\(\)\.exec\s*\(|\b(?:shell_exec|passthru|proc_open)\s*\(|\bexec\.Command\s*\(/gm,
  },
  {
    name: 'dynamicCode', family: 'security', says: 'evaluates code built at run time',
    re: /(?:^|[^.\w$])eval\s*\(|\bnew\s+Function\s*\(|\bvm\.runIn\w*Context\s*\(|\bsetTimeout\s*\(\s*["'`]/gm,
  },
  {
    name: 'unsafeDeserialise', family: 'security', says: 'deserialises data that may be untrusted',
    re: /\bpickle\.loads?\s*\(|\byaml\.(?:unsafe_)?load\s*\((?![^)\n]*Safe)|\bunserialize\s*\(|\bObjectInputStream\b|\bMarshal\.load\b|\bBinaryFormatter\b|\bjsonpickle\.decode\s*\(/gm,
  },
  {
    name: 'crypto', family: 'security', says: 'handles credentials or cryptography',
    re: /\b(?:createHash|createHmac|createCipher\w*|createDecipher\w*|createSign|createVerify|timingSafeEqual|pbkdf2\w*|scrypt\w*|randomBytes)\s*\(|\bhashlib\.(?:md5|sha1)\s*\(|\bhmac\.(?:new|compare_digest)\s*\(|\b(?:bcrypt|argon2|jwt)\.\w+\s*\(|\bMessageDigest\.getInstance\s*\(|\b(?:password|passwd|secret|signature|api_?key|(?:access|auth|bearer|csrf|xsrf|session|refresh|api|reset|verification)_?token)\w*\s*(?:===?|!==?)\s*[\w$"'`]/gim,
  },
  {
    name: 'pathFromRequest', family: 'security', says: 'opens a path taken from the request',
    re: /\b(?:readFile\w*|createReadStream|sendFile|unlink\w*|open|join|resolve)\s*\([^)\n]*\b(?:req|request)\.(?:params|query|body|args|form|files)\b/gm,
  },
  {
    name: 'synchronisation', family: 'concurrency', says: 'synchronises threads',
    re: /\b(?:Mutex|RwLock|RWMutex|Condvar|Semaphore|AtomicBool|AtomicPtr|Atomic[UI](?:8|16|32|64|size)|AtomicInteger|AtomicLong|AtomicReference|ConcurrentHashMap|SharedArrayBuffer|pthread_(?:mutex|rwlock|cond|spin)\w*|std::(?:atomic|mutex|shared_mutex|condition_variable)|memory_order_\w+|compare_exchange\w*|compareAndSet)\b|\bOrdering::(?:Relaxed|Acquire|Release|AcqRel|SeqCst)\b|\bAtomics\.\w+\s*\(|\bthreading\.(?:Lock|RLock|Condition|Semaphore)\s*\(|\basyncio\.Lock\s*\(|\bsynchronized\s*[({]|\bsync\.(?:Mutex|RWMutex|Once|WaitGroup)\b|\batomic\.(?:Add|Load|Store|CompareAndSwap)\w*\s*\(/gm,
  },
  {
    name: 'storedData', family: 'integrity', says: 'deletes stored data or decides when it reaches disk',
    re: /\bDROP\s+(?:TABLE|DATABASE|SCHEMA)\b|\bTRUNCATE\s+(?:TABLE\s+)?\w|\bDELETE\s+FROM\s+\w+\s*(?:["'\x60;]|$)|\bshutil\.rmtree\s*\(|\brm\s+-rf\b|\bfs\.(?:rm|rmSync)\s*\([^)\n]*recursive|\bf(?:data)?sync\s*\(/gm,
  },
];

/** A line that is only a comment (the common line-comment and block-continuation forms). */
const COMMENT_LINE = /^\s*(?:\/\/|#(?!include|define|if|pragma)|\*|\/\*|--(?!\w))/;
/**
 * Selections can be whole files: the head is scanned, about 1,200 lines of typical code. On
 * ordinary code with nothing to find the scan costs 6-8 ns a character (`npm run bench`:
 * code_scan_300_lines_us, code_scan_max_us).
 */
export const MAX_SCANNED_CHARS = 50_000;
const MATCH_SHOWN = 40;

/**
 * The risky constructs in `code`, at most one per pattern (its first occurrence outside a
 * comment line), in pattern order.
 */
export function findCodeRisks(code: string): CodeRisk[] {
  const text = code.length > MAX_SCANNED_CHARS ? code.slice(0, MAX_SCANNED_CHARS) : code;
  const found: CodeRisk[] = [];
  for (const p of PATTERNS) {
    p.re.lastIndex = 0;
    for (let m = p.re.exec(text); m; m = p.re.exec(text)) {
      const from = text.lastIndexOf('\n', m.index) + 1;
      const to = text.indexOf('\n', m.index);
      const source = text.slice(from, to < 0 ? text.length : to);
      if (COMMENT_LINE.test(source)) {
        p.re.lastIndex = to < 0 ? text.length : to + 1;
        continue;
      }
      found.push({ id: `code.${p.family}.${p.name}`, family: p.family, says: p.says, match: shorten(m[0].trim()) });
      break;
    }
  }
  return found;
}

/** The first `max` risks in words, for a reason or a prompt: "builds SQL from strings (`…`); … and 2 more". */
export function sayCodeRisks(risks: readonly CodeRisk[], max = 2): string {
  const said = risks.slice(0, max).map((r) => `${r.says} (\`${r.match}\`)`).join('; ');
  return risks.length > max ? `${said} and ${risks.length - max} more` : said;
}

/** Cut to MATCH_SHOWN characters, with anything key-like redacted (the reason reaches the log). */
function shorten(text: string): string {
  const clean = redactSecrets(text);
  return clean.length <= MATCH_SHOWN ? clean : `${clean.slice(0, MATCH_SHOWN)}…`;
}
