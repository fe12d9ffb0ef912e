// Table tests for the signals added while measuring the router on blind sets: each hazard
// class is checked with wording of our own, and each has a neighbour with the same words
// in a harmless sense that must not be routed up (or a labour rule that must not fire).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyByRules } from '../../../src/core/routing/classifier';
import { askInput, runTierTable } from '../../support/fixtures/routing/builders';

const TESTS_ONE_FILE = { files: 1, linesChanged: 2, paths: ['tests/integration/replication.tcl'] };
/** Diff statistics of a change to ordinary source code (no security, concurrency, test or docs paths). */
const code = (files: number, linesChanged: number, paths: string[] = ['src/app/core.ts']) => ({ files, linesChanged, paths });

describe('signals: security boundaries described without security words', () => {
  runTierTable([
    { name: 'a module named security.py is code, not the security policy', input: askInput('Raise the default hash iterations', { files: 1, linesChanged: 4, paths: ['src/app/security.py'] }), not: 'H' },
    { name: 'password-hashing parameters', input: askInput('PBKDF2 uses more iterations by default'), tier: 'O' },
    { name: 'URL encoding for a Location header', input: askInput('Use encodeURIComponent for the Location header'), tier: 'O', mentions: /redirect|Location/ },
    { name: 'query-string building is an ordinary swap', input: askInput('Use URLSearchParams instead of string concatenation for query strings'), not: 'O' },
    { name: 'confining served files', input: askInput('static: restrict served files to the public directory'), tier: 'O', mentions: /path-traversal/ },
    { name: 'skipping a directory when linting is not confinement', input: askInput('Skip files in the public directory when linting'), not: 'O' },
    { name: 'dot-dot segments in names', input: askInput('Reject ../ segments in archive entry names'), tier: 'O' },
    { name: 'a relative destination is not traversal', input: askInput('Move the helpers to ../shared'), not: 'O' },
    { name: 'a check bypassed by crafted input', input: askInput('A crafted host name bypasses the allowed hosts filter'), tier: 'O' },
    { name: 'restricting what scripts may call', input: askInput('Disallow require() in user templates'), tier: 'O', mentions: /sandbox/ },
    { name: 'allowing comments in templates is a feature', input: askInput('Allow comments in templates'), not: 'O' },
    { name: 'user data reaching output unescaped', input: askInput('Tag names from user input are not escaped before rendering'), tier: 'O' },
  ]);
});

describe('signals: security nouns count as risk when something is repaired', () => {
  runTierTable([
    { name: 'adding a cookie attribute option', input: askInput('Add a samesite option to the session cookie helper'), tier: 'S' },
    { name: 'repairing a cookie attribute', input: askInput('Fix the samesite attribute being dropped on redirect'), tier: 'O' },
    { name: 'loading certificates is plumbing', input: askInput('Support loading certificates from a PEM string'), tier: 'S' },
    { name: 'a certificate check that accepts too much', input: askInput('Fix certificate chain check accepting expired certificates'), tier: 'O' },
  ]);
});

describe('signals: concurrency and lifetime hazards in everyday words', () => {
  runTierTable([
    { name: 'state mutated from inside a watcher', input: askInput('Mutating a ref inside a watcher callback loops forever'), tier: 'O', mentions: /re-entrancy/ },
    { name: 'documenting effects stays labour', input: askInput('docs: explain how effects are scheduled'), tier: 'H' },
    { name: 'a repair in the runtime scope', input: askInput('rt: fix panic when the worker count is zero'), tier: 'O' },
    { name: 'an addition in the runtime scope', input: askInput('rt: add a builder option for the thread name prefix'), tier: 'S' },
    { name: 'a primitive that drops values', input: askInput('The channel drops messages when the buffer is full'), tier: 'O' },
    { name: 'dropping old messages is a feature', input: askInput('Drop messages older than a day from the inbox view'), not: 'O' },
    { name: 'another thread frees what one still reads', input: askInput('The flusher thread frees the buffer the main thread still reads'), tier: 'O' },
    { name: 'cancellation while work is in progress', input: askInput('Crash when a download is cancelled while the upload is in progress'), tier: 'O' },
    { name: 'a cancel button is a feature', input: askInput('Add a cancel button to the upload dialog'), tier: 'S' },
    { name: 'mutation during iteration', input: askInput('Removing entries during iteration skips elements'), tier: 'O' },
    { name: 'iteration order is ordinary', input: askInput('Iterate the entries in insertion order'), not: 'O' },
    { name: 'a lock held by someone else', input: askInput('try_lock succeeds while another task holds the lock'), tier: 'O' },
    { name: 'an instruction to hold a lock is prescribed', input: askInput('Hold the lock while updating the routing map'), tier: 'S', mentions: /prescribed/ },
    { name: 'blocking the event loop', input: askInput('Large SORT calls block the event loop'), tier: 'O' },
    { name: 'memory growth in user words', input: askInput('RAM usage keeps growing when the tab stays open'), tier: 'O' },
    { name: 'slowness on large inputs, adjective first', input: askInput('Rendering thousands of rows is slow'), tier: 'O' },
  ]);
});

describe('signals: data loss and cluster safety in either word order', () => {
  runTierTable([
    { name: 'records that disappear', input: askInput('Records disappear from the index after a restart'), tier: 'O' },
    { name: 'a corrupted keyspace', input: askInput('Reloading the config corrupts the keyspace'), tier: 'O' },
    { name: 'loss before election', input: askInput('Lost acknowledged writes after a leader election'), tier: 'F' },
    { name: 'two owners of one shard', input: askInput('Two primaries can claim the same shard after a partition'), tier: 'F' },
    { name: 'documenting failover stays labour', input: askInput('docs: describe what happens to writes during failover'), tier: 'H' },
  ]);
});

describe('signals: labour rules fire on labour, not on behaviour', () => {
  runTierTable([
    { name: 'sorting alphabetically', input: askInput('Sort the config keys alphabetically'), tier: 'H' },
    { name: 'no longer sorting is behaviour', input: askInput('Header values keep their original order instead of being sorted alphabetically'), not: 'H' },
    { name: 'pass by reference', input: askInput('Pass the options struct by reference'), tier: 'H' },
    { name: 'avoiding a rename is behaviour', input: askInput('minifier: avoid renaming exported symbols'), not: 'H' },
    { name: 'a fix that removes something', input: askInput('fix(cache): remove stale entries properly'), tier: 'S' },
    { name: 'X instead of Y as the whole subject', input: askInput('refactor: startsWith instead of indexOf'), tier: 'H' },
    { name: 'entries added to a table', input: askInput('Add the 418 status to the list of status codes'), tier: 'H' },
    { name: 'go fmt', input: askInput('go fmt'), tier: 'H' },
    { name: 'ignore-file entry', input: askInput('Add .env to .gitignore'), tier: 'H' },
    { name: 'a stats counter', input: askInput('Add a counter for rejected connections to INFO'), tier: 'H' },
    { name: 'a trait bound', input: askInput('io: `Default` impl bound for `BufReader`'), tier: 'H' },
    { name: 'test style conversion', input: askInput('Convert the tests to pytest style assertions'), tier: 'H' },
    { name: 'logging on a cache miss is not caching', input: askInput('Add logging when the cache misses'), tier: 'H' },
    { name: 'caching results is a performance change', input: askInput('Cache the compiled templates'), tier: 'S' },
    { name: 'help text', input: askInput('Fix the help text for --verbose'), tier: 'H' },
    { name: 'dotted identifiers in a swap', input: askInput('Replace os.path with pathlib in the loader'), tier: 'H' },
    { name: 'tabs to spaces', input: askInput('Convert tabs to spaces'), tier: 'H' },
    { name: 'a default port', input: askInput('Change the default port to 3000'), tier: 'H' },
    { name: 'typing marker', input: askInput('Add py.typed marker file'), tier: 'H' },
    { name: 'type hints alone', input: askInput('Add type hints to the retry helpers'), tier: 'H' },
    { name: 'types together with logic are not declarations only', input: askInput('Tighten typing/logic for the `retry` options merge'), not: 'H' },
    { name: 'an HTTP status is behaviour, not an argument check', input: askInput('get_json raises a 415 error if the content type is wrong'), tier: 'S' },
    { name: 'an argument check', input: askInput('send_file raises TypeError for a missing name'), tier: 'H' },
    { name: 'example-only change', input: askInput('examples: add a websocket chat example', { files: 2, linesChanged: 90, paths: ['examples/chat/main.rs', 'examples/Cargo.toml'] }), tier: 'H' },
  ]);
});

describe('signals: versions and context', () => {
  runTierTable([
    { name: 'dotted versions between bump and target', input: askInput('update node 18.17.0 => 18.17.1'), tier: 'H' },
    { name: 'a major target that touches code', input: askInput('chore(deps): update dependency vite to v5', { files: 4, linesChanged: 60, paths: ['package.json', 'pnpm-lock.yaml', 'src/main.ts', 'vite.config.ts'] }), tier: 'S', mentions: /major version/ },
    { name: 'a major target in manifests only', input: askInput('chore(deps): update dependency vite to v5', { files: 2, linesChanged: 60, paths: ['package.json', 'pnpm-lock.yaml'] }), tier: 'H' },
    { name: 'a flaky test with its remedy stated', input: askInput('test: fix flaky upload test by increasing the timeout', { files: 1, linesChanged: 2, paths: ['test/upload.spec.ts'] }), tier: 'H' },
    { name: 'a flaky failure with no remedy', input: askInput('Fix flaky upload'), tier: 'O' },
    { name: 'risk words in a complete test-only change are incidental', input: askInput('Tests: increase the timeout in the replication test', TESTS_ONE_FILE), tier: 'H', mentions: /incidental/ },
    { name: 'a truncated test-only path list is not trusted', input: askInput('Tests: increase the timeout in the failover test', { ...TESTS_ONE_FILE, files: 6 }), not: 'H' },
  ]);

  test('labour framing in a commit body does not override the subject', () => {
    const result = classifyByRules(askInput('Fix use-after-free in the connection pool\nAlso fix a typo in a comment.'));
    assert.equal(result.tier, 'O', result.reasons.join(' | '));
    assert.ok(!result.signals.includes('labour.typo'));
  });
});

describe('signals: terse commit wording (real changelog style)', () => {
  runTierTable([
    { name: 'a subject that is only a project name and version is a release', input: askInput('Ladder 2.4.1', code(3, 20, ['CHANGELOG.md', 'package.json', 'src/version.ts'])), tier: 'H' },
    { name: 'a version inside a feature subject is not a release', input: askInput('Support Node 22.4.0 test runner output', code(3, 90)), not: 'H' },
    { name: 'rewording messages is labour', input: askInput('Rephrase the CLI error for missing arguments', code(2, 12)), tier: 'H' },
    { name: 'making a field public', input: askInput('make `Config` timeout field public', code(1, 2)), tier: 'H' },
    { name: 'marking a type must_use', input: askInput('mark `Permit` with `must_use`', code(1, 1)), tier: 'H' },
    { name: 'stabilising an API lifts its feature gate', input: askInput('fs: stabilize `File::try_lock_shared`', code(3, 30)), tier: 'H', mentions: /feature gate/ },
    { name: 'stabilising named methods lifts their gate', input: askInput('Stabilise the reader_stats methods', code(2, 24)), tier: 'H' },
    { name: 'stabilising a flaky suite is not an API', input: askInput('stabilize the flaky login tests', code(1, 8)), not: 'H' },
    { name: 'stabilising a process under load is not an API', input: askInput('stabilize the worker pool under heavy load', code(2, 60)), not: 'H' },
    { name: 'marking something unsafe is not a marker chore', input: askInput('mark `from_raw` as unsafe', code(1, 3)), not: 'H' },
    { name: 'setting up CI', input: askInput('Set up a CI workflow that runs lint on pushes'), tier: 'H' },
    { name: 'a guard for null input', input: askInput('avoid crash when iterating over null or undefined props', code(1, 6)), tier: 'H' },
    { name: 'free-after-use is a memory-safety fix', input: askInput('Fix a free-after-use when a listener unregisters itself', code(1, 12, ['src/events.c'])), tier: 'O' },
    { name: 'breaking the client protocol', input: askInput('Fix pipelined replies breaking the protocol after a timeout', code(2, 40)), tier: 'O' },
    { name: 'a breaking change to an options object is not protocol breakage', input: askInput('Rename the `timeout` option (breaking change)', code(2, 20)), not: 'O' },
    { name: 'thread-safety marker traits', input: askInput('io: stop inheriting `Sync` from the inner handle', code(1, 20, ['src/io/handle.rs'])), tier: 'O' },
    { name: 'a Send button is not a trait', input: askInput('Add a Send button to the message form', code(2, 30, ['web/form.tsx'])), not: 'O' },
    { name: 'rapid toggles interleave callbacks', input: askInput('fix(modal): rapid open/close toggling leaves the backdrop visible', code(2, 35)), tier: 'O' },
    { name: 'dropping after an event reorders a release, it removes no API', input: askInput('net: drop the socket after the read half closes', code(1, 15)), not: 'H' },
    { name: 'dropping an API is still labour', input: askInput('net: drop the deprecated `bind_any` helper', code(2, 30)), tier: 'H' },
    { name: 'a bump that edits many source files adapts code', input: askInput('update `hyper` dependency to v0.15', code(10, 200, ['Cargo.toml', 'src/server.rs', 'src/client.rs', 'src/body.rs', 'src/conn.rs'])), tier: 'S' },
    { name: 'a bump of manifests only stays labour', input: askInput('update `hyper` dependency to v0.14.3', code(2, 6, ['Cargo.toml', 'Cargo.lock'])), tier: 'H' },
    { name: 'a very large performance change is a redesign', input: askInput('perf(parser): port the tokenizer to a table-driven state machine', code(20, 2400)), tier: 'O', mentions: /redesign/ },
    { name: 'a small performance change stays local', input: askInput('perf(parser): cache the keyword set', code(1, 20)), tier: 'S' },
    { name: 'updating vendored code copies upstream, whatever its size', input: askInput('Update lua to 5.4.6', code(60, 9000, ['deps/lua/src/lapi.c', 'deps/lua/src/lcode.c', 'deps/lua/src/ldo.c', 'deps/lua/src/lgc.c', 'deps/lua/src/lvm.c'])), tier: 'H' },
    { name: 'the same bump in first-party code is a migration', input: askInput('Update lua to 5.4.6', code(60, 9000, ['src/script_lua.c', 'src/eval.c', 'src/function_lua.c', 'src/server.c', 'src/module.c'])), tier: 'S' },
    { name: 'running a generator target', input: askInput('run `make regen-unicode-tables`', code(2, 800, ['internal/unicode/tables.go', 'Makefile'])), tier: 'H' },
    { name: 'running the tests is not generation', input: askInput('run `make test` and fix what fails', code(3, 60)), not: 'H' },
  ]);
});

describe('signals: changelog-entry wording', () => {
  runTierTable([
    { name: 'a changed default value is a constant', input: askInput('The default redirect code for trailing slashes is 308 instead of 301.', code(2, 6)), tier: 'H' },
    { name: 'zero-padding output numbers', input: askInput('format_size zero pads minutes to two digits', code(1, 4)), tier: 'H' },
    { name: 'changing a comment', input: askInput('Change the license header comment in the generated bundle', code(1, 2)), tier: 'H' },
    { name: 'a determinism problem has no known cause', input: askInput('Investigate a determinism problem in chunk names', code(3, 40)), tier: 'O' },
    { name: 'a compatibility table is generated data', input: askInput('update the compatibility table', code(2, 90, ['internal/compat/table.go', 'compat-table/src/index.ts'])), tier: 'H' },
    { name: 'Object.prototype leaking into lookups', input: askInput('Skip Object.prototype keys when reading route params', code(2, 20, ['lib/router.js'])), tier: 'O' },
    { name: 'an unanchored pattern over-matches paths', input: askInput('Anchor mount-path regexps (unanchored patterns ran handlers on other paths)', code(2, 25, ['lib/router.js'])), tier: 'O' },
    { name: 'a closing script tag in output', input: askInput('Escape </script inside inlined string literals', code(3, 60, ['internal/printer/printer.go'])), tier: 'O' },
    { name: 'rotated-out keys served from a cache', input: askInput('The resolver keeps serving rotated-out signing keys', code(2, 30, ['src/jwks.py'])), tier: 'O', mentions: /access outlives its session/ },
    { name: 'a cache that keeps serving revoked keys', input: askInput('The key cache keeps returning revoked signing keys for an hour', code(2, 30, ['jwt/jwks_client.py'])), tier: 'O' },
    { name: '"fixed" as an adjective is not a repair', input: askInput('Encode RSA moduli with a fixed byte length', code(2, 30, ['jwt/algorithms.py'])), not: 'O' },
    { name: '"by default" is not the Default trait', input: askInput('Add retries by default to the HTTP client', code(3, 80, ['src/client.rs'])), not: 'H' },
    { name: 'dropping a waker outside a lock is lock ordering', input: askInput('sync: drop wakers outside the mutex in broadcast', code(1, 30, ['tokio/src/sync/broadcast.rs'])), tier: 'O' },
    { name: 'ABA in a lock-free structure', input: askInput('queue: guard against ABA when reusing slots', code(1, 40, ['src/queue.rs'])), tier: 'O' },
  ]);
});

describe('signals: older changelog wording', () => {
  runTierTable([
    { name: 'swapping thread-local for context-local state changes isolation', input: askInput('`RequestState` uses contextvars instead of thread-local storage', code(2, 90)), tier: 'O' },
    { name: 'swapping one deprecated hint for another is still mechanical', input: askInput('replace deprecated `atomic::spin_loop_hint` with `hint::spin_loop`', code(3, 8, ['src/sync/spin.rs'])), tier: 'H' },
    { name: 'crypto padding is not CSS padding', input: askInput('RSA-OAEP now uses the right hash for OAEP padding', code(2, 30, ['jwt/algorithms.py'])), tier: 'O' },
    { name: 'CSS padding stays cosmetic', input: askInput('Increase the padding around code blocks', code(1, 4, ['site/style.css'])), tier: 'H' },
    { name: 'protection against an attack', input: askInput('Add protection against clickjacking-style framing abuse', code(2, 30)), tier: 'O' },
    { name: 'a bare replica mention in a feature is not risk', input: askInput('Add a --replicas option to the cluster create command', code(1, 50, ['src/cli.c'])), not: 'O' },
    { name: 'repairing replication is', input: askInput('Fix replicas applying the same stream offset twice', code(2, 30, ['src/sync.c'])), tier: 'O' },
    { name: 'commands lost in transit', input: askInput('psync: commands lost when a replica reconnects mid-stream', code(2, 40, ['src/sync.c'])), tier: 'O' },
    { name: 'two clusters merging', input: askInput('Refuse gossip that makes two clusters merge into one', code(1, 40, ['src/gossip.c'])), tier: 'O' },
    { name: 'file permissions are mode bits, not access control', input: askInput('fix `copy_tree` dropping file permissions', code(1, 10, ['src/fs.rs'])), not: 'O' },
    { name: 'form-urlencoded bodies are not URL encoding', input: askInput('Add a urlencoded body parser', code(3, 200, ['lib/parsers.js'])), not: 'O' },
    { name: 'a type check that raises', input: askInput('Raise ValueError when timeout is not a number', code(1, 6)), tier: 'H' },
    { name: 'non-string input now raises', input: askInput('Non-string header names now raise TypeError', code(2, 10)), tier: 'H' },
    { name: 'wrapping exceptions', input: askInput('Wrap the exceptions into a ParseError with the line number', code(1, 12)), tier: 'H' },
    { name: 'porting a script to Python 3', input: askInput('Convert the release script to Python 3', code(1, 40, ['scripts/release.py'])), tier: 'H' },
    { name: 'an empty value instead of null', input: askInput('Return an empty list instead of None from `find_all`', code(1, 3)), tier: 'H' },
    { name: 'retaining detached nodes is a leak', input: askInput('fix(list): avoid cached rows retaining detached DOM nodes', code(2, 30)), tier: 'O' },
    { name: 'a leak whose cause is named is local', input: askInput('fix(router): avoid memory leak caused by the history listener', code(1, 15)), tier: 'S' },
    { name: 'a literal ".." in file names', input: askInput('send_file rejects names containing ".." even inside a segment', code(2, 20, ['lib/send.js'])), tier: 'O' },
  ]);
});

describe('signals: newer changelog wording', () => {
  runTierTable([
    { name: 'a deprecation is labour', input: askInput('Deprecate the `legacy` option of `createServer`', code(2, 20)), tier: 'H' },
    { name: 'a deprecation warning in security code stays labour', input: askInput('Emit a DeprecationWarning for verify_signature=False', code(2, 12, ['jwt/api_jwt.py'])), tier: 'H' },
    { name: 'a deprecation that states a consequence keeps the risk', input: askInput('Deprecate the md5 option, which allows signature forgery', code(2, 12, ['jwt/api_jwt.py'])), tier: 'O' },
    { name: 'CLI help text', input: askInput('Add help for the --dry-run flag to the CLI', code(1, 6)), tier: 'H' },
    { name: 'doc examples', input: askInput('io: add examples for `BufReader::lines`', code(1, 30, ['tokio/src/io/util/lines.rs'])), tier: 'H' },
    { name: 'a weak verb over many files with a few lines each is a sweep', input: askInput('refactor: import types with `import type`', code(40, 120)), tier: 'H' },
    { name: 'the same verb concentrated in a few files is not', input: askInput('refactor: split the parser state machine', code(3, 400)), not: 'H' },
    { name: 'deleting something when a condition holds is behaviour', input: askInput('Delete the lock file when the build fails', code(2, 30)), not: 'H' },
    { name: 'shutdown that does not stop work', input: askInput('pool shutdown does not wait for queued jobs', code(2, 40)), tier: 'O' },
    { name: 'exponential cost', input: askInput('perf(router): avoid exponential cost for nested optional segments', code(2, 80)), tier: 'O' },
    { name: 're-entry during async setup', input: askInput('fix(store): state leaks across re-entry of an async action', code(2, 40)), tier: 'O' },
    { name: 'a chore prefix does not hide unsafe-code aliasing work', input: askInput('chore: stop emitting `noalias` on the intrusive waiter list', code(3, 90, ['src/util/linked_list.rs'])), tier: 'O' },
    { name: 'a chore prefix still makes plain housekeeping labour', input: askInput('chore: tidy up the issue templates', code(2, 10, ['.github/ISSUE_TEMPLATE/bug.md', '.github/ISSUE_TEMPLATE/feature.md'])), tier: 'H' },
    { name: 'miri failures are undefined-behaviour reports', input: askInput('fix miri failures in the slab allocator', code(2, 60, ['src/util/slab.rs'])), tier: 'O' },
    { name: 'backticked unanchored patterns', input: askInput('Fix matching with unanchored `RegExp` mount paths', code(2, 20, ['lib/router/layer.js'])), tier: 'O' },
  ]);
});

describe('signals: common commit-subject idioms', () => {
  runTierTable([
    { name: '"Doc fixes"', input: askInput('Doc fixes', code(3, 20, ['src/app/core.py', 'src/app/cli.py', 'README.md'])), tier: 'H' },
    { name: 'a submodule pointer bump', input: askInput('Update the vendor/json submodule', code(1, 2, ['vendor/json'])), tier: 'H' },
    { name: 'a "<name> <version> released" subject', input: askInput('Ladder 0.42 released', code(3, 30, ['CHANGELOG.md', 'src/version.h', 'README.md'])), tier: 'H' },
    { name: 'type hinting', input: askInput('Finish type hinting of the client module', code(1, 30)), tier: 'H' },
    { name: 'exposing an exception class', input: askInput('Expose TimeoutError on the package root', code(1, 2)), tier: 'H' },
    { name: 'conversion impls', input: askInput('impl conversions between `Duration` and `std::time::Duration`', code(1, 20, ['src/time.rs'])), tier: 'H' },
    { name: 'replacing a deprecated call', input: askInput('Replace deprecated `datetime.utcnow()` calls', code(4, 16)), tier: 'H' },
    { name: 'explicit relative imports', input: askInput('made the relative imports explicit', code(3, 9)), tier: 'H' },
    { name: 'a hyphenated scope still frames the subject', input: askInput('tokio-util: use `Bytes::copy_from_slice`', code(1, 4, ['tokio-util/src/codec/bytes_codec.rs'])), tier: 'H' },
    { name: 'the "none" algorithm', input: askInput('Tokens signed with the "none" alg are accepted by decode()', code(2, 20, ['jwt/api_jws.py'])), tier: 'O' },
    { name: 'an algorithm that does not match the key', input: askInput('Signing succeeds when the algorithm does not match the key type', code(2, 30, ['jwt/algorithms.py'])), tier: 'O' },
  ]);
});
