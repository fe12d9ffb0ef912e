/**
 * Hazard families described in plain words rather than by their textbook names. Each rule
 * is one CWE-style family or classic concurrency failure, recognised from how developers
 * and bug reporters describe it ("the session still works after logout", "workers park
 * forever", "error responses include the SQL query"). They join the classifier's rule list,
 * so trivial frames (docs, typo, bump, test-only) still make them incidental.
 *
 * Every pattern couples a hazard word with the thing it endangers, so the same words in a
 * harmless sense ("export as plain text", "keep the dev server running", "text overflow")
 * do not fire. Most have a cheap `gate` that must match before the full pattern runs, which
 * keeps the per-request cost flat as families are added.
 */

/** The subset of classifier families a hazard can belong to (all route to judgment or above). */
export type HazardFamily = 'security' | 'concurrency' | 'integrity' | 'complexity' | 'exception';

/** One hazard family: the classifier reads it as a text rule on the lower-cased request. */
export interface HazardRule {
  readonly id: string;
  readonly family: HazardFamily;
  readonly strength: 2 | 3 | 4;
  /** What the user reads; `$0` is replaced by the matched words. */
  readonly says: string;
  /**
   * Cheap pre-check: the full pattern runs only when this matches. Left out where the pattern
   * itself is as cheap as any gate (measured on the longest dev requests).
   */
  readonly gate?: RegExp;
  readonly re: RegExp;
  /** Drops the hit when this also matches. */
  readonly unless?: RegExp;
  /** A domain noun rather than a hazard: risk only when something is being repaired. */
  readonly domainOnly?: boolean;
}

// Shared vocabularies (source strings, composed into the patterns below).
const SECRET = String.raw`(passwords?|passphrases?|pins?|tokens?|secrets?|api[- ]?keys?|private keys?|keys|credentials?|session (ids?|cookies?)|cookies|otps?)`;
const EXPOSED = String.raw`(stack ?traces?|tracebacks?|backtraces?|exception (details|messages?|objects?)|error details|internal (paths?|errors?|ips?|ip addresses|host ?names?|details|state|urls?)|(full|absolute|server|file ?system|local|internal) (file )?paths|sql (queries|query|statements?)|environment variables|env vars|server versions?|debug (info|information|output|details)|source code)`;
const AUDIENCE = String.raw`(to (the )?(clients?|users?|browsers?|callers?|visitors?|attackers?|anyone|everyone|public)|in (the )?(http |error |api |json |html )?(responses?|error pages?)|error (pages?|responses?)|publicly|unauthenticated)`;
const LIFECYCLE_EVENT = String.raw`(logout|logging out|log out|logs out|logged out|sign(ing|s)?[- ]?out|signed out|password (change|reset)s?|chang(e|es|ing) (their|the|a) password|revoc\w*|revok\w*|expir\w*|deactivat\w*|demot\w*|role changes?|permission changes?|(being|is|was|has been|gets|got) (disabled|deleted|removed|revoked|banned|deactivated|demoted|locked))`;
const RUNNER = String.raw`(threads?|tasks?|workers?|timers?|futures?|jobs?|process(es)?|goroutines?|waiters?|receivers?|senders?|consumers?|listeners?|loops?|pools?|runtime|scheduler|executor|server|connections?|clients?|sleep\w*|promises?|streams?)`;
const INPUT_PART = String.raw`(request |incoming |uploaded |form |multipart |http |decompressed |client )?(headers?|header (lines|fields)|parts?|fields?|form (fields|parts|data)|parameters|params|query (strings?|params)|bod(y|ies)|payloads?|uploads?|files|cookies|request lines?|urls?|frames?|messages?|connections|chunks?|inputs?|requests|pipelined requests|streams)`;

/** Taking one lock before another decides the lock order: a deadlock question, however precisely worded. */
export const LOCK_ORDER_SOURCE = String.raw`\b(locks?|mutex\w*)\b[^.\n]{0,20}\bbefore (the )?\w+ (locks?|mutex\w*)\b|\block order\w*`;

export const HAZARD_RULES: readonly HazardRule[] = [
  // Liveness: something that should finish, wake or exit never does.
  { id: 'concurrency.liveness', family: 'concurrency', strength: 3, says: 'liveness failure ("$0"): a wakeup, exit or completion that never happens',
    gate: /never|forever|indefinitely|endless|starv|livelock|busy|spin|freez|froze|stall|wedge|unresponsive|responding|keep|kept|continu|wake|notif|alive|cpu/,
    re: new RegExp(String.raw`\bnever (advances?|progresses|proceeds|moves forward|wakes?|woken|wake[sn]? up|gets? (woken|polled|scheduled|notified|called)|(re)?schedul\w*|exits?|terminates?|shuts? down|finish(es)?|completes?|resolves?|fires?|yields?|makes progress|releases?|unblocks?|drains?|returns?\b(?! (none|null|nil|undefined|an? (error|value|result)|errors?|false|true|empty|negative|a? ?zero)))\b|\b(park(s|ed)?|block(s|ed)?|wait(s|ed|ing)?|hang(s|ing)?|hung|spin(s|ning)?|sleep(s|ing)?|loop(s|ing)?|stuck|stall(s|ed)?|poll(s|ing)?) (forever|indefinitely|endlessly|for ever)\b|\b(lost|missed) (wake-?ups?|wakes?)\b|\blost (notifications?|notifies|signals?)\b|\b(spins?|spinning|pegs?|pegged|burns?|burning)\b[^.\n]{0,20}\b(100%|full) cpu\b|\b(100%|full) cpu\b[^.\n]{0,30}\b(when idle|while idle|after|forever)\b|\bmiss(es|ed|ing)? (a|the|its|their) (wake-?ups?|wakes?|notifications?|notify|signal|wake)\b|\blivelock\w*|\bbusy[- ]?(loops?|looping|waits?|waiting|spins?|spinning)\b|\bstarv(e|es|ed|ing)\b|\b(freezes|froze|stalls|wedges|wedged|stops responding|becomes unresponsive)\b|\b${RUNNER}\b[^.\n]{0,30}\b(keep|keeps|kept|continue|continues|continued|are still|is still|still) (running|spinning|polling|executing|blocking|alive)\b(?=[^.\n]{0,50}\b(after|past|once|even|despite|when|until)\b)|\bkeeps? (the )?(runtime|process|event loop|server|loop|worker|executor) (alive|running)\b[^.\n]{0,10}\b(after|past|once|when|forever)\b|\bwait(s|ing)? (for|on) each other\b`) },

  // A window between a check and the action it guards (TOCTOU, load-then-store).
  { id: 'concurrency.window', family: 'concurrency', strength: 3, says: 'a race window between a check and its use ("$0")',
    gate: /toctou|time[- ]of|then|between|symlink race|racing|races? (with|against)/,
    re: /\btoctou\b|\btime[- ]of[- ]check\b|\bcheck[- ]then[- ](act|use|set|open|create|write|insert)\b|\bbetween (the )?([\w`.():-]+ ){0,2}(load|check|read|lookup|stat|lstat|test|fetch|exists(\(\))?|access(\(\))?)(es|s|ed)? (call |step )?and (the )?([\w`.():-]+ ){0,2}(store|swap|write|update|set|insert|cas|open|use|acquire|lock|rename|unlink|delete|register\w*)\b|\bsymlink race\b|\b(racing|races|raced) (with|against) (the |a |an |concurrent )?([\w-]+ )?(deletion|removal|writes?|renames?|unlinks?|creation|updates?)\b/ },

  // Lifetime: something freed or closed while another party is still using it.
  { id: 'concurrency.freedWhileInUse', family: 'concurrency', strength: 3, says: 'released while still in use, or twice ("$0"): a lifetime hazard',
    gate: /still|twice/,
    re: /\b(free|freed|frees|freeing|drop\w*|clos(e|ed|es|ing)|dispos\w*|dealloc\w*|releas\w*|destroy\w*|unload\w*|kill\w*|unmount\w*|evict\w*|reus(e|ed|es|ing)|recycl\w*)\b[^.\n]{0,40}\b(while|when|whilst|although|though)\b[^.\n]{0,60}\bstill\b|\b(free|freed|frees|freeing|dealloc\w*)\b[^.\n]{0,40}\btwice\b/ },

  // Ordering races in async lifecycles: a callback that may run before or after its event.
  { id: 'concurrency.asyncOrdering', family: 'concurrency', strength: 3, says: 'an async step may complete on the wrong side of its lifecycle ("$0")',
    gate: /before|after/,
    re: /\b(can|could|may|might|sometimes|occasionally)( still)? (be )?(fire[sd]?|run|runs|execute[sd]?|be called|called|resolve[sd]?|complete[sd]?|finish(es|ed)?|settle[sd]?|return|flush(es|ed)?|unmount(s|ed)?|mount(s|ed)?|close[sd]?|emit(s|ted)?) (before|after) (an? |the |its |their )?([\w`.()-]+ ){0,3}(resolv\w*|settl\w*|finish\w*|complet\w*|returns|mount\w*|unmount\w*|ready|initiali[sz]\w*|register\w*|flush\w*|start\w*|is (done|ready|set))\b|\b(resolv|settl|complet|finish|fir|emit|return)\w* after (the )?([\w`-]+ ){0,2}(is |was |has been |gets )?(unmount\w*|destroy\w*|dispos\w*|clos\w*|cancel\w*|abort\w*|dropp\w*|shut ?down|disconnect\w*|torn down|detach\w*)\b/ },

  // Information exposure: internals shown to whoever sent the request.
  { id: 'security.exposure', family: 'security', strength: 3, says: 'information exposure ("$0"): internals reach the client',
    gate: /trace|exception|error details|internal|paths|sql|environment|env var|server version|debug|source code|verbose error|powered|server header|console|repl|admin/,
    re: new RegExp(String.raw`\b${EXPOSED}\b[^.\n]{0,50}\b${AUDIENCE}|\b${AUDIENCE}\b[^.\n]{0,50}\b${EXPOSED}\b|\b(expos|leak|reveal|disclos)\w*\b[^.\n]{0,20}\b${EXPOSED}\b|\bdebug (mode|endpoints?|pages?|routes?|console|toolbar|server)\b[^.\n]{0,30}\b(enabled|on|exposed|reachable|accessible|left on)\b[^.\n]{0,20}\b(in production|by default|publicly|to (the )?(network|internet|public))|\bverbose errors? (in production|to (the )?(clients?|users?))|\bx-powered-by\b|\bversion\b[^.\n]{0,30}\bserver headers?\b|\bserver headers?\b[^.\n]{0,30}\bversion\b|\b(expos|reachabl|accessibl)\w*\b[^.\n]{0,20}\b(console|repl|admin (panels?|interfaces?|endpoints?|pages?)|debug(ger)? (endpoints?|pages?|console|shell))\b`) },

  // Secrets and personal data written to logs: request bodies, headers, credentials.
  { id: 'security.loggedSecrets', family: 'security', strength: 3, says: 'writes sensitive data to logs ("$0")',
    gate: /\blog/,
    re: /\blog(s|ged|ging)?\b[^.\n]{0,25}\b(request|response) (body|bodies|headers?|payloads?)\b|\blog(s|ged|ging)?\b (the |every |each |all |full |raw )*(passwords?|tokens?|secrets?|credentials?|api[- ]?keys?|card numbers?|authorization headers?|cookies?)\b/ },

  // Session and authentication lifecycle: access that outlives logout, revocation or expiry.
  { id: 'security.sessionLifecycle', family: 'security', strength: 3, says: 'access outlives its session ("$0"): authentication lifecycle',
    gate: /log(ged|s|ging)? ?out|sign(ed|s|ing)?[- ]?out|password|revo|expir|rotated|deactivat|demot|role|permission|disabled|deleted|removed|banned|locked|former|suspended|fixation|hijack|session|token|cookie|api ?key|credential|remember|authenticat/,
    re: new RegExp(String.raw`\b(still|remains?|remained|stays?|stayed|keeps?|kept|continues?|continued)( to)?( be)? (valid|usable|active|logged[- ]in|authenticated|authori[sz]ed|signed[- ]in|working|works?|access(ible)?|succeeds?|accepted|able to|allowed|has access)\b[^.\n]{0,60}\b(after|despite|once|even after|following)\b[^.\n]{0,30}\b${LIFECYCLE_EVENT}|\b(logged[- ]out|signed[- ]out|deleted|disabled|banned|deactivated|revoked|expired|demoted|former|removed|suspended) (users?|accounts?|members?|sessions?|tokens?|keys?|api[- ]?keys?|credentials?|cookies?|admins?|certificates?)\b[^.\n]{0,20}\b(can still|still|are (still )?(accepted|valid|usable|allowed|able)|is (still )?(accepted|valid|usable|allowed|able)|remain|stay|keep|continue|can (log|sign|access|use|call|read|write))|\b(session )?fixation\b|\bsession hijack\w*|\b(not|never|no longer) (invalidat|revok|rotat|regenerat|expir|clear)\w*\b[^.\n]{0,30}\b(sessions?|session ids?|tokens?|cookies?|api[- ]?keys?|credentials?)\b|\b(sessions?|session ids?|tokens?|cookies?|api[- ]?keys?|credentials?)\b[^.\n]{0,30}\b(not|never|no longer) (invalidated|revoked|rotated|regenerated|expired|cleared)\b|\bremember[- ]me\b|\b(sessions?|tokens?|api[- ]?keys?|cookies?|logins?)\b[^.\n]{0,20}\b(never expire|forever|indefinitely)\b|\b(sessions?|tokens?|api[- ]?keys?|cookies?)\b[^.\n]{0,20}\b(live|last|valid)\w*\b[^.\n]{0,10}\b(a|one|\d+) (years?|months?)\b|\b(never|don'?t|do not) expire (the )?(sessions?|tokens?|api[- ]?keys?|cookies?)\b|\bre-?authenticat\w*|\b(serv|accept|us|trust|return|cach)\w* (\w+ ){0,2}(revoked|expired|rotated[- ]out) (keys?|tokens?|certificates?|credentials?|sessions?|signing keys?)\b`) },

  // Lifecycle nouns that are only risky when repaired ("rotate the session id after login").
  { id: 'security.sessionNoun', family: 'security', strength: 2, domainOnly: true, says: 'session or token lifecycle ("$0")',
    gate: /session|token|key|cookie|credential/,
    re: /\b(invalidat|revok|rotat|regenerat|expir)\w* (the |all |existing |old |active |stale )?(sessions?|session ids?|tokens?|refresh tokens?|api[- ]?keys?|cookies?|credentials?)\b|\bsession (timeouts?|expir\w*|invalidation|rotation|regeneration)\b/ },

  // Credential storage and transport: secrets kept or sent where they can be read.
  { id: 'security.credentialStorage', family: 'security', strength: 3, says: 'credential storage or transport ("$0")',
    gate: /pass|\bpins?\b|token|secret|key|credential|session id|cookie|otp/,
    re: new RegExp(String.raw`\b(plain ?text|plaintext|clear ?text|cleartext|unhashed|unencrypted|unsalted|not (hashed|encrypted|salted)|in the clear)\b[^.\n]{0,40}\b${SECRET}\b|\b${SECRET}\b[^.\n]{0,40}\b(plain ?text|plaintext|clear ?text|cleartext|unhashed|unencrypted|unsalted|not (hashed|encrypted|salted)|in the clear)\b|\b${SECRET} (are |is |get |gets |were |was )?(logged|printed|written to (the )?(logs?|console|stdout|stderr)|echoed)\b|\b(log|logs|logging|print|prints|printing|echo(es|ing)?)\b (the |full |raw |user'?s? |plain )?(authorization headers?|bearer tokens?|access tokens?|refresh tokens?|tokens|${SECRET})\b(?! (prompts?|hints?|polic(y|ies)|length|strength|fields?|inputs?|forms?|requirements?|rules?|expir\w*|reset (links?|emails?)))|\b(passwords?|tokens?|secrets?|api[- ]?keys?|credentials?)\b[^.\n]{0,20}\bin (the )?(urls?|query strings?|logs?|log output)\b|\b${SECRET}\b[^.\n]{0,40}\bon the command[- ]line\b|\b(put|hard-?code|paste|commit|add)\w* (the )?(prod(uction)? )?(admin |root |db |database )?(password|secret|api key|token|credentials?)\b[^.\n]{0,20}\b(in here|into (the )?(code|repo|file|test|config))\b`) },

  // Weak randomness and predictable identifiers: anything an attacker can guess.
  { id: 'security.weakRandomness', family: 'security', strength: 3, says: 'guessable secret or weak randomness ("$0")',
    gate: /random|rand\(|predictab|guess|nonce|\bivs?\b|vector|salt|seed|entropy|uuid|increment|sequential|block/,
    re: new RegExp(String.raw`\b(math\.random|random\.random|random\.randint|random\.choice|rand\(\)|mt_rand|insecure random\w*|weak (random\w*|prng|rng|entropy)|non-?cryptographic(ally)? (secure )?(random\w*|rng|prng)|not cryptographically (secure|random)|predictabl[ey]|guessabl[ey]|(can|could) (be )?guess(ed)?|low entropy)\b[^.\n]{0,40}\b(${SECRET}|ids?|identifiers?|session|nonces?|salts?|csrf|reset (links?|codes?)|temp(orary)? (file ?)?names?|file ?names?|seeds?|codes?|uuids?)\b|\b(${SECRET}|ids?|identifiers?|session ids?|nonces?|salts?|reset (links?|codes?)|(invite|verification|share) codes?|temp(orary)? (file ?)?names?|seeds?|uuids?)\b[^.\n]{0,50}\b(math\.random|random\.random|random\.randint|random\.choice|new random\(\)|rand\(\)|mt_rand|insecure random\w*|weak (random\w*|prng|rng)|non-?cryptographic\w*|predictabl[ey]|guessabl[ey]|(can|could) (be )?guess(ed)?|low entropy)|\b(reus(e|ed|es|ing)|repeat(ed|s|ing)?|same|duplicate) (the )?(nonces?|ivs?|initiali[sz]ation vectors?)\b|\b(nonce|iv) reuse\b|\bhard-?coded (salts?|ivs?|nonces?|seeds?)\b|\bblock\.(timestamp|difficulty|prevrandao)\b|\bblockhash\(|\b(tokens?|links?|codes?|ids?)\b[^.\n]{0,30}\b(uuid ?v?1|auto-?increment\w*|sequential)\b|\b(auto-?increment\w*|sequential) (ids?|numbers?)\b[^.\n]{0,30}\b(instead of|rather than)\b[^.\n]{0,10}\buuids?\b`) },

  // Header trust and request smuggling: the request claims something about itself.
  { id: 'security.headerTrust', family: 'security', strength: 3, says: 'trusts what a request says about itself ("$0")',
    gate: /host|origin|referer|referrer|rebinding|content-length|transfer-encoding|desync|smuggl|crlf|\\r\\n|newline|line break|control char|forwarded|real-ip|client-ip|webhook/,
    re: /\bwebhooks?\b[^.\n]{0,40}\b(trust\w*|unsigned|spoof\w*|signatures?)\b|\b(validat|check|verif|reject|trust|spoof|forg|match|compar|allow|restrict|deny|poison|rebind|whose|mismatch|refus|only accept)\w*\b[^.\n]{0,50}\b`?(host|origin|referr?er)`?[- ]?headers?\b|\b`?(host|origin|referr?er)`?[- ]?headers?\b[^.\n]{0,50}\b(validat\w*|check\w*|verif\w*|reject\w*|trust\w*|spoof\w*|forg\w*|match(es|ed)?|doesn'?t match|does not match|mismatch\w*|is not|isn'?t|poison\w*|injection|attack\w*|allow ?list\w*)\b|\bdns rebinding\b|\b(cache|host header) poisoning\b|\b(duplicate|multiple|conflicting|invalid|negative|malformed|mismatched|both) (content-length|transfer-encoding)\b|\b(content-length|transfer-encoding)\b[^.\n]{0,40}\b(and|with|together with|alongside) (a |an )?(content-length|transfer-encoding)\b|\bdesync\w*|\bsmuggl\w*|\bcrlf\b[^.\n]{0,30}\b(headers?|inject\w*|response|split\w*|cookies?|redirects?|location|status)\b|\b(headers?|cookies?|redirects?|location|status)\b[^.\n]{0,30}\bcrlf\b|\b(newlines?|line ?breaks?|control characters?|\\r\\n)\b[^.\n]{0,15}\bin (the )?(headers?|header (names?|values?)|cookies?|cookie (names?|values?)|redirect|location|status (lines?|messages?))\b|\b(header|cookie) (names?|values?) (with|containing) (newlines?|line ?breaks?|control characters?)\b|\b(x-real-ip|true-client-ip|client-ip|forwarded)\b[^.\n]{0,30}\b(trust\w*|spoof\w*|forg\w*)|\b(trust\w*|spoof\w*|forg\w*)\b[^.\n]{0,30}\b(x-real-ip|true-client-ip|client-ip|forwarded)\b/ },

  // Resource exhaustion: input that can demand unbounded memory, depth or time.
  { id: 'security.resourceLimit', family: 'security', strength: 3, says: 'a limit against resource exhaustion ("$0")',
    gate: /limit|\bcap|\bbound|restrict|enforc|depth|max|bomb|laughs|expansion|huge|oversized|very large|arbitrar|malicious|giant|enormous|regex|regexp|regular expression|pattern|oom|out of memory|exhaust|allocat|lots of|too much|excessive|amounts? of|available/,
    unless: /\b(increas|rais|bump|doubl|lower|decreas|chang|adjust|tweak)\w* (the )?(default )?(max\w* )?(body|payload|header|request|upload|form|frame|message)? ?(size|length|limit)/,
    re: new RegExp(String.raw`\b(limit|cap|bound|restrict|enforc)\w*\b[^.\n]{0,20}\b(nesting|recursion|parse|parsing|expansion|stack) depth\b|\b(no|without( a)?|missing( a)?|lacks?( a)?) (max\w* )?(recursion|depth|nesting|size|length|body size|request size) limits?\b|\b(add|enforc|introduc|set)\w* (a |an )?(max\w* )?(recursion|depth|nesting) limits?\b|\bmax(imum)?[_ -]?(nesting|recursion)?[_ -]?depth\b[^.\n]{0,30}\b(payloads?|requests?|input|json|xml|yaml|documents?|data|parser|parsing|bodies|body|messages?)\b|\b(limit|cap|bound|restrict|enforc)\w* (a |an )?(limit |maximum |max )?(on )?(the )?(max\w* )?(size|length|number|count) of (the )?${INPUT_PART}\b|\b(limit|cap|bound|restrict)\w* (the )?${INPUT_PART} (to (a |an )?(maximum|max|fixed|configurable)|size|length|count)\b|\b(max(imum)?|no) (request |upload |form |multipart |header |body |payload |frame |message )?(body|payload|header|request|upload|form|frame|message|part|field) (size|length|count)s?\b|\b(unbounded|unlimited|no limit on (the )?)(size |length |number |count )?(of )?(headers?|request bod(y|ies)|bod(y|ies)|payloads?|uploads?|buffer(ed|ing)|reads?|input|form (data|fields|parts)|parts|frames?|messages?|allocations?|memory|decompression)\b|\b(decompression|zip|gzip|xml) bombs?\b|\bbillion laughs\b|\b(xml|entity) expansion\b|\b(huge|oversized|very large|arbitrarily large|maliciously large|giant|enormous) (payloads?|bodies|request bodies|requests?|headers?|inputs?|uploads?|frames?|messages?|allocations?|lengths?|counts?)\b[^.\n]{0,40}\b(crash\w*|exhaust\w*|oom|out of memory|allocat\w*|memory|kill\w*|hang\w*|dos|denial)|\b(regex|regexp|regular expressions?|patterns?)\b[^.\n]{0,40}\b(backtrack\w*|exponential|super-?linear|hang\w*|takes (minutes|seconds|forever))\b|\b(crafted|malicious|untrusted|attacker)\b[^.\n]{0,40}\b(oom|out of memory|exhaust\w*|allocat\w* (gigabytes|unbounded|huge))|\b(clients?|requests?|attackers?|connections?|payloads?|peers?|users?)\b[^.\n]{0,40}\b(consum|us|allocat|exhaust|hold|reserv|tie)\w* (up )?(lots of|unbounded|unlimited|excessive|too much|arbitrary amounts? of|large amounts? of|all( the)? available) (memory|ram|cpu|disk|file descriptors|sockets|connections)\b`) },

  // Integer width and sign errors where lengths, offsets and bounds are computed.
  { id: 'security.integerBounds', family: 'security', strength: 3, says: 'integer overflow, truncation or sign error in a bound ("$0")',
    gate: /overflow|underflow|wrap|truncat|signed|sign[- ]ext|signedness|past the|beyond the|off the/,
    re: /\b(read\w*|writ(e|es|ing|ten)|access\w*|cop(y|ies|ying)|index\w*)\b[^.\n]{0,15}\b(past|beyond|off) the (end|bounds?|start|beginning)\b|\b(overflow\w*|underflow\w*|wrap(s|ped|ping)?[- ]around|wraparound)\b[^.\n]{0,30}\b(integers?|ints?|u?int\d+(_t)?|[iu](8|16|32|64|128|size)|usize|isize|size_t|ssize_t|off_t|long long|unsigned long|offsets?|lengths?|len|bounds? checks?|length checks?|range checks?|size (calculations?|computations?|checks?)|32-bit|64-bit|allocation sizes?|buffer sizes?|index(es)?|indices)\b|\b(integers?|ints?|u?int\d+(_t)?|[iu](8|16|32|64|128|size)|usize|isize|size_t|ssize_t|off_t|long long|unsigned long|offsets?|lengths?|len|bounds? checks?|length checks?|range checks?|size (calculations?|computations?|checks?)|allocation sizes?|buffer sizes?|index(es)?|indices)\b[^.\n]{0,30}\b(overflow\w*|underflow\w*|wrap(s|ped|ping)?[- ]around|wraparound)\b|\btruncat\w*\b[^.\n]{0,30}\b(integers?|u?int\d+(_t)?|[iu](32|64)|usize|size_t|64-bit|32-bit|lengths? (to|into|as)|offsets? (to|into|as))\b|\b(64-bit|32-bit|u64|i64|size_t|usize) (lengths?|sizes?|offsets?|values?)\b[^.\n]{0,20}\btruncat\w*|\bsignedness\b|\bsign[- ]extension\b|\b(signed|unsigned) (comparison|conversion|mismatch|cast|overflow|wrap\w*)\b|\bsigned[/ ](vs\.? )?unsigned\b/ },

  // Ordering and idempotency of distributed or persisted writes.
  { id: 'integrity.ordering', family: 'integrity', strength: 3, says: 'ordering or idempotency of writes ("$0")',
    gate: /order|twice|more than once|multiple times|lost update|last[- ]write|idempot|retr|redeliver|replay/,
    re: /\b(writes?|updates?|events?|messages?|commands?|operations?|mutations?|deliveries|acks?|acknowledg\w*|transactions?|payments?|webhooks?|jobs?)\b[^.\n]{0,30}\b(applied|delivered|processed|executed|replayed|arrive|arriving|committed|persisted|sent|handled|received|consumed|run|ran)\b[^.\n]{0,15}\b(out of order|in the wrong order|twice|more than once|multiple times|in a different order)\b|\b(out[- ]of[- ]order|reorder(ed|ing)) (writes|updates|events|messages|commands|deliver\w*|acks|replies|commits|mutations|operations)\b|\blost updates?\b|\blast[- ]write[- ]wins\b|\b(retr(y|ies|ied)|redeliver\w*|replay\w*)\b[^.\n]{0,30}\b(duplicat\w*|double|applied twice|twice|again and again)\b|\bnot idempotent\b/ },

  // Shared state described by how it is used rather than named: several workers or instances
  // at once, an interrupt handler and the main loop, a read-check-write, an atomic made plain.
  { id: 'concurrency.sharedState', family: 'concurrency', strength: 3, says: 'state shared by concurrent code ("$0")',
    gate: /share|under load|same time|concurrently|at once|in parallel|simultaneous|isr|volatile|plain (add|incr|decr|load|store)|atomic|check|lock|mutex|semaphore|await|buffer|written|global|multiple|several/,
    re: new RegExp(String.raw`\b(remov|drop|delet|get rid of)\w* (the |this |that |our )?(global |shared |write |read |big |extra |redundant |unneeded |unnecessary )?(locks?|mutex(es)?|semaphores?)\b(?![ -]?files?|\.json)|\breleas\w* (the |its |our )?(locks?|mutex|guard|semaphore)\b[^.\n]{0,30}\bbefore\b|\bwithout (holding|taking|acquiring) (the |a |any )?(locks?|mutex)\b|\b(read|writ|access|modif|updat|mutat)\w*\b[^.\n]{0,30}\boutside (the |a |any )?(locks?|mutex)\b|\breplac\w* (the |this )?(locks?|mutex(es)?|atomic\w*) with (a |an )?(plain|simple|normal|regular|non-atomic)\b|\bshared (by|between|across|among) (the |all |multiple |several )?(worker |background )?(threads|goroutines|tasks|workers|processes)\b|\bshare (this|the|a|an|my|our|one) ([\w-]+ ){0,3}(between|across|among) (the |all |multiple |several )?(worker |background )?(threads|goroutines|workers|processes)\b|\b(make|get)\w* (this|it|these|them)( \w+)? (work|safe|run)\w* (with|across|on|under|in|for|from) (multiple|many|several|concurrent|parallel) (threads|workers|processes|goroutines|cores)\b|\bplain (add|increment|decrement|load|store)\b|\b(remov|drop)\w* (the )?atomic\w*|\b(doesn'?t|does not|don'?t|do not) need (the |an? )?atomic\w*|\b(under load|at the same time|concurrently)\b[^.\n]{0,20}\b(on )?(two|three|\d+|multiple|several) (instances|processes|servers|nodes|replicas|pods)\b|\b(two|2|multiple|several) (calls|requests|instances|workers|jobs|transactions) (can |could |may |might )?(run|happen|execute|arrive|come in) (at once|concurrently|at the same time|simultaneously|in parallel)\b|\bisr\b[^.\n]{0,40}\b(writes?|reads?|updates?|modif\w*)\b|\b(not|without|missing) volatile\b|\breads? (the )?[\w.]+\b[^.\n]{0,25}\bchecks?\b[^.\n]{0,30}\bwrites?\b|${LOCK_ORDER_SOURCE}|\breads?\b[^.\n]{0,40}\bawait\w*\b[^.\n]{0,40}\bwrites?\b|\breus\w* (the |a |one )?[\w ]{0,20}buffer\b[^.\n]{0,40}\b(before|while|across)\b|\bread (in|from|by)\b[^.\n]{0,40}\band (written|modified|updated|mutated) (in|from|by)\b|\bglobal\b[^.\n]{0,40}\b(counter|map|dict|state|variable|cache|hashtbls?|iorefs?)\b[^.\n]{0,60}\b(threads?|forkio|goroutines|domains|workers|handlers each)\b|\b(two|2|multiple|several) [\w-]+s (can |could |may |might )?(run|happen|execute|arrive|come in|fire) (at once|concurrently|at the same time|simultaneously|in parallel)\b`) },

  // Untrusted input reaching a sink: a value the user typed, picked or uploaded becomes a
  // command argument, a path, a query part or a file name ("run ffmpeg on the filename from
  // the request body", "save the report under the name the user typed").
  { id: 'security.untrustedInput', family: 'security', strength: 3, says: 'a value the user controls reaches code, a path or a command ("$0")',
    gate: /users? (typed|types|picked|picks|chose|chooses|selected|selects|entered|enters|provided|provides|supplied|supplies|gave|gives|tried|sent|sends|uploaded|uploads)|(from|in) (the )?(query|request|post body|form|url|client|\?)|uploaded|user'?s? file|original (file|ext)|whatever|user[- ](entered|supplied|controlled|submitted)|forwards? to|in the url|\?\w+=|any column|\$_|echo/,
    re: /\b(names?|values?|paths?|strings?|file ?names?|branch( names?)?|columns?|urls?|titles?|inputs?|expressions?|ids?|terms?)( the| a)? users? (typed|types|picked|picks|chose|chooses|selected|selects|entered|enters|provided|provides|supplied|supplies|gave|gives|tried|sent|sends|uploaded|uploads)\b|\b(from|in) the (query ?string|request (body|params?|path|url)|post body|form (data|fields?|inputs?)|url (params?|path|query))\b|\b(takes?|reads?|gets?|comes?|came|pulls?|strings?|values?|param\w*|column|straight|directly)\b[^.\n]{0,20}\bfrom (the )?(url|query ?string|request|client|\?\w+=?)|\bwhatever (\w+ ){0,2}((is |comes )?(in|from) the (client|user|browser|request|caller|intent|query|url)\w*|((the )?(client|user|browser|caller)s?|they|users) (post|posts|send|sends|pass|passes|give|gives|provide|provides|type|types|submit|submits|upload|uploads))\b|\$_(get|post|request|cookie|files)\b|\becho\w* back (what|the) ((they|the user|users?) )?(searched|typed|sent|entered|tried)|\becho\w* back the (path|query|search|input|term|header)|\becho\w* (the )?[\w' -]{1,30} back\b|\bforwards? to whatever\b|\b(name|path|file)s? in the url\b|\?(file|path|filename|name|url|redirect|next|target|dest|sort|order|orderby|src|uri|callback|return|returnurl|continue)=|\bsort\w* (by )?any column\b|\bfor any column\b|\buser[- ](entered|supplied|controlled|submitted)\b|\b(uploaded|user'?s?) (file ?names?|file'?s name)\b|\b(keep|use|preserv)\w* the original (file ?names?|extensions?)\b/ },

  // Injection sinks opened in plain words: queries or commands built from strings, eval of
  // expressions, raw HTML in rendered content, XML entities, archives unpacked from users.
  { id: 'security.injectionSink', family: 'security', strength: 3, says: 'opens an injection sink ("$0")',
    // Moving away from string building is the remedy, not the hazard.
    unless: /\b(instead of |rather than |replac\w* (the )?|remov\w* (the )?|avoid\w* (the )?|no more |no longer us\w* )(string |manual )?(concatenat\w*|interpolat\w*|f-strings?|joins?|os\.system|shell=true)\b/,
    gate: /join|concat|interpolat|f-string|sprintf|eval|html|markdown|entit|dtd|xinclude|zip|tar|archive|unpack|extract|f"|f'|straight|directly|as[- ]is|os\.system|shell=/,
    re: /\b(string (join|concat\w*|format\w*|interpolation|building)|concatenat\w*|f-strings?|sprintf)\b[^\n]{0,40}\b(sql|quer(y|ies)|where clause|in \(|in list|shell|command line)\b|\b(sql|quer(y|ies)|where clause|in \([^\n]{0,10}\)( list)?|shell command)[^\n]{0,30}\b(with|using|via|by) (a |an )?(string (join|concat\w*|format\w*|interpolation)|concatenation|f-strings?)\b|\bf["'](select|insert|update|delete|drop)\b|\bos\.system\b|\bshell=true\b|\b(straight|directly|as[- ]is)\b[^.\n]{0,10}\b(in)?to (the )?([\w.]+\(\)|(search |ldap |sql |query |mongo )?(filter|query|find|command|shell|template|eval))\b|\beval\b (is fine|it|the (input|expression|string|text|value))|\b(use|using|via|with|call\w*) `?eval\b|\beval\(|\b(turn\w* on|enabl\w*|allow\w*|permit\w*)\b[^.\n]{0,20}\b(raw html|external entit\w*|entity (resolution|expansion)|dtd (loading|processing|includes?)|xinclude)\b|\brender\w* (the )?(user|users'?|user's|customer|visitor|comment|profile|untrusted)\w*( [\w-]+){0,2} as (html|markdown|md)\b|\b(extract|unzip|untar|unpack|decompress)\w*\b[^.\n]{0,30}\b(uploaded|untrusted|user|user's|incoming)\b[^.\n]{0,10}\b(zips?|tars?|tarballs?|archives?|files?)\b/ },

  // Secrets compared with ordinary equality: a timing side channel.
  { id: 'security.secretEquality', family: 'security', strength: 3, says: 'compares a secret with ordinary equality ("$0"): a timing side channel',
    re: /\b(signatures?|hmacs?|tokens?|passwords?|secrets?|digests?|api[- ]?keys?|otps?|macs?)\b[^.\n]{0,30}\b(with|using|via) (==|===|equals|strcmp|memcmp)|\b(signature|hmac|token|password|secret|digest|otp)\w*`? ?(==|===) ?`?\w|(==|===) ?`?\w*(signature|hmac|token|password|secret|digest)\b|(==|===)[^.\n]{0,30}\b(signatures?|hmacs?|tokens?|passwords?|secrets?|digests?|api[- ]?keys?)\b/ },

  // A control removed or widened in plain words: expiry dropped, objects made public,
  // world-writable modes, access granted to another group "too".
  { id: 'security.weakenedControl', family: 'security', strength: 3, says: 'removes or widens an access control ("$0")',
    re: /\b(remov|drop|disabl|skip|turn\w* off)\w* (the )?(expiry|expiration|expiration time|ttl)\b[^.\n]{0,10}|\b(remov|drop|delet|disabl|skip|turn\w* off|comment\w* out|bypass|get rid of)\w* (the |this |that |our )?([\w-]+ ){0,2}?(rate[- ]?limit\w*|throttl\w*|2fa|mfa|two[- ]factor\w*|captchas?)\b|\b(run\w*|start\w*) (the |this |our )?([\w-]+ )?(containers?|process(es)?|services?|app|daemon|server|pods?) as root\b|\bexpos\w* (the )?(port \d+|database|db|redis|postgres\w*|mysql|mongo\w*|admin\w*|docker socket)\b[^.\n]{0,25}\b(publicly|public|to the (internet|world|public)|on 0\.0\.0\.0)\b|\b(disabl|turn\w* off|remov|open|delet|drop)\w*\b[^.\n]{0,12}\bfirewall|\bredirect\w*\b[^.\n]{0,20}\b(any|arbitrary|external|untrusted|user-supplied) (hosts?|urls?|domains?|sites?|locations?)\b|\ballow\w* (plain[- ]?text |plain |insecure )?http\b(?!\/\d)[^.\n]{0,20}\b(in prod\w*|for (logins?|auth\w*|cookies?|sessions?))\b|\bhttp (instead of|rather than) https\b|\b(disabl|skip|turn\w* off|ignor|bypass)\w*\b[^.\n]{0,20}\b(ssl|tls|cert\w*) (verif\w*|check\w*|validat\w*)|\b(remov|drop|lift|relax|loosen|disabl)\w* (the |a |any )?([\w`.-]+ ){0,2}restrictions?\b|\b(remov|drop|disabl|skip)\w* (the )?algorithms? (requirement|check|restriction|validation|allow ?list|whitelist)\b|\b(invite|reset|magic|share|download|signup)[\w ]{0,12}\b(links?|tokens?|urls?|codes?)\b[^.\n]{0,20}\b(remov|drop|disabl|skip)\w* (the )?(expiry|expiration|ttl)\b|\bpublic[- ]read\b|\bpublic\b[^.\n]{0,15}\bby (accident|mistake)\b|\b(buckets?|blobs?)\b[^.\n]{0,20}\bpublic\b|\bmake\w* (the )?([\w-]+ ){0,2}(buckets?|objects?|blobs?|containers?|files|uploads)\b[^.\n]{0,10}\bpublic\b|\b(chmod\w*|mode|permissions?)\b[^.\n]{0,30}\b0?(777|666)\b|\bworld[- ](writable|readable)\b|\bpermit ?all\b|\b(drop|remov|skip|disabl)\w* (this |the )?(mime|content[- ]type|file[- ]type|extension|signature|csrf|origin) (check|validation|verification)s?\b|\b(validat|verif|check)\w*\b[^.\n]{0,40}\bon the client\b|\bclient[- ]side (validation|verification|checks?)\b|\b(pars|deserializ|decod|process)\w*\b[^.\n]{0,30}\b(then|before) (we )?(check|verif|validat)\w* (the )?(signatures?|hmacs?|tokens?|macs?)\b|\b(let|allow)\w* ([\w-]+ ){1,3}(to )?(call|access|see|view|edit|delete|read|write|use|hit)\b[^.\n]{0,40}\b(too|as well)\b/ },

  // Durability given up: a write that no longer reaches disk in one piece before it is
  // acknowledged, work cut off half-way by a crash, or a destructive change to production data.
  { id: 'integrity.durability', family: 'integrity', strength: 3, says: 'gives up a durability step ("$0")',
    gate: /fsync|fdatasync|sync_all|temp[- ]?files?|tmp file|atomic (rename|write|replace)|flush(es)? to disk|directly|(mid|half|part)[- ]?way|mid[- ]?(job|task|run|write|request|batch|transaction|upload|send)|prod|rm -|be (replaced|recreated|destroyed)|forces? (a )?re|in place|temp|table|backup/,
    re: /\b(skip|drop|remov|omit|avoid|without|no longer)\w*\b[^.\n]{0,20}\b(the )?(directory |dir |data |final )?(fsyncs?|fdatasyncs?|sync_all|temp[- ]?files?|tmp files?|atomic (rename|write|replace)|flush(es)? to disk)\b|\bwrit\w*\b[^\n]{0,30}\bdirectly\b[^\n]{0,40}\b(temp|tmp|atomic|rename)\w*|\b(delet|drop|purg|truncat|wip|remov|dedup\w*)\w*\b[^.\n]{0,50}\b(in|on|from) (prod|production)\b|\brm -r?f\b[^\n]{0,10}\$|\brm -r?f\w*\b[^.\n]{0,30}\b(anything|everything|whatever)\b|\b(truncat|drop|wip|delet)\w* (every|all( the)?) tables?\b|\bin place instead of (via |using |through )?(a |the )?temp\w*|\bwithout (a |any |taking a )?backups?\b|\brenam\w* (the )?temp\w* file\b[^.\n]{0,30}\b(first|before)\b|\b(must|will) be (replaced|recreated|destroyed)\b|\bforces? (a )?(replacement|recreation)\b|\b(dies?|crash\w*|killed|is killed|gets killed|restart\w*)\b[^.\n]{0,15}\b(mid|half|part)[- ]?(way|job|task|run|write|request|batch|transaction|upload|send)\b/ },

  // A memory fence or barrier dropped from a lock-free primitive, or a lock replaced by
  // atomics: the correctness of the primitive now rests on memory ordering.
  { id: 'exception.fenceRemoved', family: 'exception', strength: 4, says: 'drops a memory fence or barrier, or trades a lock for atomics ("$0"): memory ordering in a primitive',
    gate: /fence|barrier|atomic|lock-?free/,
    re: /\breplac\w* (the |a |this |our )?(mutex|lock|spin ?lock|critical section)\w*\b[^.\n]{0,60}\bwith (lock-?free |c\+\+ |std::)?atomics?\b|\b(drop|remov|skip|omit|elid|weaken|relax|delet)\w*\b[^.\n]{0,20}\b(the |a |this |that )?(memory |compiler |store |load |full )?(fences?|barriers?)\b/ },

  // A reply, vote or delete that runs ahead of the step that makes the data safe.
  { id: 'integrity.aheadOfDurability', family: 'integrity', strength: 3, says: 'acts before the data is safe ("$0")',
    re: /\b(ack\w*|acknowledg\w*|repl(y|ies|ying)|respond\w*|vot(e|es|ing)|delet\w*|remov\w*|truncat\w*)\b[^.\n]{0,50}\b(before|as soon as|once)\b[^.\n]{0,40}\b(fsync\w*|flush\w*|commit\w*|replay\w*|persist\w*|writ(e|es|ing|ten)|append\w*|process\w*|replicat\w*|durabl\w*)\b/ },

  // Dumps of whole requests or error internals: secrets and internals leave the process.
  { id: 'security.fullDump', family: 'security', strength: 3, says: 'sends whole requests or error internals somewhere they can be read ("$0")',
    gate: /full|whole|entire|raw|complete|str\(e|exception|error (message|stack)/,
    re: /\b(log|dump|print|send|record|include|return)\w*\b[^.\n]{0,15}\b(the )?(full|whole|entire|raw|complete)\b[^.\n]{0,25}\b(requests?|responses?|urls?|headers?|bod(y|ies)|payloads?)\b|\bstr\(e(xc|rr)?\)|\b(exception|error) (messages?|stacks?)\b[^.\n]{0,30}\b(in|to) (the )?(api |http |json )?(\d{3} )?(error )?(responses?|bod(y|ies)|clients?)\b/ },

  // The server fetching where someone else points it (SSRF) or a client template run on the server.
  { id: 'security.outboundFetch', family: 'security', strength: 3, says: 'fetches wherever a user points it ("$0")',
    re: /\bfollow\w* redirects\b|\bfetch\w*\b[^.\n]{0,30}\b(any|arbitrary|user|pasted|given|external) (links?|urls?)\b|\b(any|every) (links?|urls?) (pasted|given|provided|sent|posted)\b/ },
  { id: 'security.untrustedFormat', family: 'security', strength: 3, says: 'runs a format or template that others supply ("$0")',
    gate: /objectinputstream|pickle|yaml\.load|unserialize|marshal|binaryformatter|readobject|template/,
    re: /\b(objectinputstream|pickle\.loads?|yaml\.load|unserialize|marshal\.load|binaryformatter|readobject)\b|\b(customers?|tenants?|users?|clients?)\b[^.\n]{0,30}\b(write|edit|upload|provide|supply|author|customi[sz]e)\w*\b[^.\n]{0,25}\btemplates?\b/ },

  // Tenancy: which organisation's rows a query may return.
  { id: 'security.tenancy', family: 'security', strength: 3, says: 'changes which tenant a lookup is scoped to ("$0")',
    gate: /scop|isolation|current_?|request\.user|any (member|user|customer|tenant|account|org)|\?(org|tenant|account|user)|filters? by/,
    re: /\b(org|tenant|account|owner|customer)[- _]?(scoping|scoped|isolation)\b|\b(instead of|rather than|without) (going through |using )?(the )?(current_?(org|user|tenant|account)\w*|request\.user\w*)|\bfor any (member|user|customer|tenant|account|org)\b|\?(org|tenant|account|user)(_?id)?=|\bonly filters by id\b|\bfilters? by \w+ after loading\b/ },

  // Browser policy relaxed: origins reflected with credentials, inline scripts allowed.
  { id: 'security.browserPolicy', family: 'security', strength: 3, says: 'relaxes a browser security policy ("$0")',
    re: /\baccess-control-allow-(origin|credentials)\b|\bunsafe-inline\b|\binline scripts?\b[^.\n]{0,25}\bcsp\b|\bcsp\b[^.\n]{0,30}\binline\b/ },

  // Keys derived or accepted in ways that widen who can sign; accounts linked by a claim anyone can set.
  { id: 'security.keyHandling', family: 'security', strength: 3, says: 'how keys are derived or accepted ("$0")',
    re: /\bderiv\w*\b[^.\n]{0,30}\b(keys?|secrets?|nonces?|ivs?)\b|\baccept\w*\b[^.\n]{0,30}\b(tokens?|signatures?|keys?|certificates?|certs?)\b[^.\n]{0,30}\b(previous|old|expired|revoked|any|self-signed)\b|\b(link|merg|match)\w*\b[^.\n]{0,40}\baccounts?\b[^.\n]{0,30}\bby (matching )?(the )?(e-?mail|username)|\bmerg\w* (two |the |duplicate |user |these )*accounts?\b/ },

  // Data removed for good, reads that may be stale, money moved twice or held in floats,
  // delivery guarantees changed.
  // Rows dropped from a CSV or a data frame are an analysis step, not stored data lost.
  { id: 'integrity.consistency', family: 'integrity', strength: 3, says: 'data lost or stale, money charged twice or held in floats, or a delivery guarantee changed ("$0")',
    unless: /\b(csv|tsv|data ?frames?|df|pandas|polars|numpy|spreadsheets?|excel|groupby)\b/,
    re: /\b(cached|stale) (prices?|balances?|totals?|amounts?|inventory|stock( levels?)?)\b|\b(money|amounts?|prices?|balances?|currency|currencies|totals?)\b[^.\n]{0,25}\b(as |with |in |are |is )?(floats?|doubles?|float math|floating[- ]point)\b|\b(at[- ]most[- ]once|at[- ]least[- ]once|exactly[- ]once)\b|\b(delete|drop|purge|truncate|wipe|erase)s? (out )?(the |all |every |any |old |older |stale |expired |duplicate |unused |orphaned |inactive |soft-deleted |existing )*([\w-]+ ){0,2}?(rows|records|tables?|columns?|databases?|collections?|backups?|accounts|documents|partitions?)\b|\bdrop (table|database)\b|\bdrop (the )?(column )?[a-z_]+\.[a-z_]+ (now|since|after|once|column)\b|\bdrop (the )?([\w.]+ )?column\b[^.\n]{0,30}\b(now that|since|after|once)\b|\bhard[- ]delet\w*|\breads?\b[^.\n]{0,20}\b(to|from) (the )?(followers|replicas|secondar\w*|read replicas?)\b|\bretr(y|ies)\w*\b[^.\n]{0,20}\b(the )?(charges?|payments?|payouts?|transfers?|debits?)\b/ },

  // Database constraints switched off: nothing stops bad rows any more.
  { id: 'integrity.constraintsOff', family: 'integrity', strength: 3, says: 'switches off a data-integrity constraint ("$0")',
    gate: /foreign|unique|not[- ]null|constraint/,
    re: /\b(disabl|turn\w* off|skip|drop|remov|ignor|defer)\w*\b[^.\n]{0,15}\b(foreign[- ]keys?|unique|not[- ]null|check) (checks?|constraints?|indexe?s?)\b/ },

  // Writes accepted by the wrong node around a role change: cluster-wide blast radius.
  { id: 'exception.roleChange', family: 'exception', strength: 4, says: 'writes or guarantees across a cluster role change ("$0")',
    gate: /writes|guarantee/,
    re: /\bwrites (are |were |get |gets |being |can be )?(accepted|served|taken|applied)\b[^.\n]{0,60}\b(failover|fail-over|fail(ed|s)? over|partition\w*|demot\w*|election|new (master|primary|leader)|role change|epoch)\b|\bminority (partition|side)\b[^.\n]{0,40}\bwrites\b|\bwrites\b[^.\n]{0,40}\bminority (partition|side)\b|\b(accept\w*|serv\w*|tak(e|es|ing)|process\w*) (client |new |stale )?writes\b[^.\n]{0,60}\b(failover|fail-over|fail(ed|s)? over|partition\w*|demot\w*|election|new (master|primary|leader)|role change|epoch)\b|\b(failover|fail-over|partition\w*|demot\w*|stale (master|primary|leader)|old (master|primary|leader)|former (master|primary|leader))\b[^.\n]{0,60}\b(accept\w*|serv\w*|tak(e|es|ing)) (client |new )?writes\b|\b(los\w*|break\w*|violat\w*|bypass\w*|skip\w*|ignor\w*)\b[^.\n]{0,40}\bguarantees?\b[^.\n]{0,60}\b(replicas?|failover|resync\w*|partial sync|full sync|partition\w*|reconnect\w*|quorum|election|cluster)\b/ },

  // The wire protocol as the other side sees it: replies out of step, a stream a client can no longer parse.
  { id: 'integrity.protocol', family: 'integrity', strength: 3, says: 'breaks the protocol a peer relies on ("$0")',
    gate: /protocol|wire/,
    re: /\b(break(s|ing)?|broke|corrupt\w*|violat\w*|desync\w*)\b[^.\n]{0,20}\b(the )?(client |wire |replication |network |resp |http |framing )?(protocol|wire format)\b/ },

  // Rapid repeated toggles expose callbacks that complete out of order.
  { id: 'concurrency.rapidToggle', family: 'concurrency', strength: 3, says: 'rapid repeated toggles ("$0"): callbacks can interleave',
    gate: /rapid|quick|succession/,
    re: /\brapid(ly)?( [\w/-]+){0,2} (toggl\w*|switch\w*|in[- ]out|enter[- ]leave|mount[- ]unmount|succession)\b|\bin (quick|rapid) succession\b|\bquickly (toggl|switch)\w*/ },

  // Shutdown that leaves work running or waiting: a liveness failure at the end of life.
  { id: 'concurrency.shutdown', family: 'concurrency', strength: 3, says: 'shutdown leaves work behind ("$0"): a liveness failure',
    gate: /shut ?down|shutting/,
    re: /\b(shutdown|shut down|shutting down)\b[^.\n]{0,40}\b(does not|doesn'?t|never|fails to|won'?t|cannot|can'?t) (abort|cancel|stop|wait for|complete|finish|exit|join|return|drain)\b/ },
];
