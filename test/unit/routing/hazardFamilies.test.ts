// Table tests for the hazard families of src/core/routing/hazards.ts. Every family is checked
// with several phrasings of our own (none taken from the fixture sets) and each is paired with
// a harmless neighbour that shares its words and must not be routed to judgment, plus a
// trivial frame (docs, typo, bump, test-only) that makes the hazard words incidental.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HAZARD_RULES } from '../../../src/core/routing/hazards';
import type { TierCase } from '../../support/fixtures/routing/builders';
import { askInput, labelledRequestTexts, runTierTable } from '../../support/fixtures/routing/builders';

const hazard = (name: string, text: string, signal: string, tier: 'O' | 'F' = 'O'): TierCase =>
  ({ name, input: askInput(text), tier, signal });
const neighbour = (name: string, text: string, signal?: string): TierCase =>
  ({ name, input: askInput(text), not: 'O', ...(signal ? { signal } : {}) });

describe('hazards: liveness', () => {
  runTierTable([
    hazard('a timer that never fires', 'Timer never fires when the interval is shorter than the tick', 'concurrency.liveness'),
    hazard('consumers blocked forever', 'Consumers block forever if the producer panics', 'concurrency.liveness'),
    hazard('a missed notification', 'Receivers miss a notification when send races with subscribe', 'concurrency.liveness'),
    hazard('a busy loop', 'Fix busy loop in the reactor when the waker is dropped', 'concurrency.liveness'),
    hazard('starvation as a verb', 'Low-priority jobs starve when the queue is always full', 'concurrency.liveness'),
    hazard('threads that outlive shutdown', 'Tasks keep running after the runtime is dropped', 'concurrency.liveness'),
    hazard('spinning at full CPU', 'The background flusher spins at 100% CPU after the socket closes', 'concurrency.liveness'),
    hazard('a server that stops responding', 'Server stops responding after 10k connections', 'concurrency.liveness'),
    hazard('a clock that never advances', 'time: timer wheel never advances when the clock goes backwards', 'concurrency.liveness'),
    neighbour('a feature that keeps a server running', 'Keep the dev server running after a build error', 'concurrency.liveness'),
    neighbour('a return-value contract', '`parse` never returns None for valid input'),
    neighbour('missed notifications as a UI noun', 'Show a badge for missed notifications', 'concurrency.liveness'),
    neighbour('freezing an object', 'Object.freeze the default options', 'concurrency.liveness'),
  ]);
});

describe('hazards: windows, lifetimes and async ordering', () => {
  runTierTable([
    hazard('time of check to time of use', 'TOCTOU between the permission check and the file open', 'concurrency.window'),
    hazard('a check racing with deletion', 'The file is checked with exists() then opened, racing with deletion', 'concurrency.window'),
    hazard('a load/store window', 'A waiter can register between the state load and the list swap', 'concurrency.window'),
    hazard('evicted while still referenced', 'The cache entry is evicted while a reader still holds a reference', 'concurrency.freedWhileInUse'),
    hazard('a promise that settles after unmount', 'The load promise can resolve after the component is unmounted', 'concurrency.asyncOrdering'),
    hazard('a callback before registration', 'The close callback may run before the connection is registered', 'concurrency.asyncOrdering'),
    neighbour('checking before opening', 'Check that the file exists before opening it', 'concurrency.window'),
    neighbour('a toast after an upload', 'Show a toast after the upload completes', 'concurrency.asyncOrdering'),
  ]);
});

describe('hazards: information exposure', () => {
  runTierTable([
    hazard('stack traces shown to users', 'Stack traces are shown to users in production', 'security.exposure'),
    hazard('a 500 page leaking paths', 'The 500 page leaks internal file paths', 'security.exposure'),
    hazard('exception details in API responses', 'Return a generic message instead of the exception details in API responses', 'security.exposure'),
    hazard('debug endpoints on in production', 'Debug endpoints are enabled in production by default', 'security.exposure'),
    hazard('a version in the Server header', 'Hide the framework version from the Server header', 'security.exposure'),
    hazard('an exposed debugger console', 'debugger: do not expose the console when the PIN is disabled', 'security.exposure'),
    neighbour('a verbose CLI traceback', 'Print the full traceback when --verbose is passed', 'security.exposure'),
    neighbour('SQL in a debug log', 'Include the SQL query in the debug log', 'security.exposure'),
    neighbour('a log-level flag', 'Add `--log-level` flag to hide debug output in production', 'security.exposure'),
  ]);
});

describe('hazards: session and authentication lifecycle', () => {
  runTierTable([
    hazard('refresh tokens after logout', 'Refresh tokens still work after logout', 'security.sessionLifecycle'),
    hazard('deleted users logging in', 'Deleted users can still log in with an existing cookie', 'security.sessionLifecycle'),
    hazard('revoked keys accepted', 'Revoked API keys are still accepted', 'security.sessionLifecycle'),
    hazard('sessions kept after demotion', 'Sessions are not invalidated when the user is demoted', 'security.sessionLifecycle'),
    hazard('fixation named in passing', 'Regenerate the session id after login to prevent fixation', 'security.sessionLifecycle'),
    { name: 'adding a session-timeout setting is a feature', input: askInput('Add a session timeout setting to the preferences screen'), tier: 'S' },
    { name: 'rotating session ids is risky once repaired', input: askInput('Fix session rotation skipping the remember cookie'), tier: 'O' },
    neighbour('deleted users listed', 'Show deleted users in the admin list with a badge', 'security.sessionLifecycle'),
  ]);
});

describe('hazards: credential storage and weak randomness', () => {
  runTierTable([
    hazard('passwords in plain text', 'Passwords are stored in plain text in the users table', 'security.credentialStorage'),
    hazard('an API key printed', 'The CLI prints the API key to stdout on login', 'security.credentialStorage'),
    hazard('tokens logged', 'Access tokens are logged at debug level', 'security.credentialStorage'),
    hazard('keys in the query string', 'API keys are passed in the query string', 'security.credentialStorage'),
    hazard('Math.random for reset tokens', 'Password reset tokens are generated with Math.random', 'security.weakRandomness'),
    hazard('predictable ids', 'Session ids are predictable', 'security.weakRandomness'),
    hazard('nonce reuse', 'The same nonce is reused for every AES-GCM message', 'security.weakRandomness'),
    neighbour('export as plain text', 'Export notes as plain text', 'security.credentialStorage'),
    neighbour('plain-text request bodies', 'Accept plain text request bodies', 'security.credentialStorage'),
    neighbour('Math.random for a colour', 'Use Math.random to pick the demo colour', 'security.weakRandomness'),
    neighbour('predictable builds', 'Make the build output predictable across machines', 'security.weakRandomness'),
  ]);
});

describe('hazards: header trust and request smuggling', () => {
  runTierTable([
    hazard('validating the Host header', 'Validate the Host header against ALLOWED_HOSTS', 'security.headerTrust'),
    hazard('Content-Length with Transfer-Encoding', 'Reject requests with both Content-Length and Transfer-Encoding', 'security.headerTrust'),
    hazard('newlines in header values', 'Header values containing newlines are written unchanged', 'security.headerTrust'),
    hazard('trusting X-Real-IP', "Don't trust X-Real-IP from clients", 'security.headerTrust'),
    hazard('CRLF in a Location header', 'Fix CRLF injection in res.location', 'security.headerTrust'),
    neighbour('setting Content-Length', 'Set Content-Length on static file responses', 'security.headerTrust'),
    neighbour('CRLF line endings', 'Normalise CRLF line endings in templates', 'security.headerTrust'),
    neighbour('an IPv6 host header', 'Fix req.hostname for IPv6 host header with port', 'security.headerTrust'),
    neighbour('a host option', 'Add a `host` option to the dev server', 'security.headerTrust'),
  ]);
});

describe('hazards: resource exhaustion', () => {
  runTierTable([
    hazard('capping header count', 'Cap the number of headers in a request', 'security.resourceLimit'),
    hazard('no recursion limit', 'JSON parser has no recursion limit', 'security.resourceLimit'),
    hazard('a zip bomb', 'A zip bomb upload exhausts the disk', 'security.resourceLimit'),
    hazard('huge payloads and OOM', 'Huge payloads crash the server with out of memory', 'security.resourceLimit'),
    hazard('a slow validation regex', 'Email validation regex takes minutes on long inputs', 'security.resourceLimit'),
    hazard('a maximum body size', 'Set a maximum request body size', 'security.resourceLimit'),
    hazard('clients holding memory', 'Prevent unauthenticated clients from consuming lots of memory with large requests', 'security.resourceLimit'),
    neighbour('a result limit option', 'Add a `limit` option for the number of search results', 'security.resourceLimit'),
    neighbour('raising a body size default', 'Increase the default max body size to 10mb', 'security.resourceLimit'),
    neighbour('an unbounded channel type', 'tokio: add an unbounded channel', 'security.resourceLimit'),
  ]);
});

describe('hazards: integer bounds', () => {
  runTierTable([
    hazard('a length that wraps', 'Length field wraps around on 32-bit platforms', 'security.integerBounds'),
    hazard('truncated 64-bit lengths', 'Truncation of 64-bit lengths when reading the header', 'security.integerBounds'),
    hazard('signed/unsigned comparison', 'Signed/unsigned comparison in the bounds check', 'security.integerBounds'),
    hazard('an allocation size overflow', 'Fix u32 overflow when computing the allocation size', 'security.integerBounds'),
    hazard('reading past the end', 'Fix reading past the end of the buffer when the length prefix is negative', 'security.integerBounds'),
    neighbour('CSS text overflow', 'Fix text overflow in the sidebar', 'security.integerBounds'),
    neighbour('overflow on long titles', 'Fix horizontal overflow on long titles', 'security.integerBounds'),
    neighbour('checked time arithmetic', 'time: avoid panicking on overflowing `Instant` arithmetic', 'security.integerBounds'),
    neighbour('truncating titles', 'Truncate long titles in the list view', 'security.integerBounds'),
  ]);
});

describe('hazards: ordering of writes and role changes', () => {
  runTierTable([
    hazard('webhooks delivered twice', 'Webhooks are delivered twice when the worker restarts', 'integrity.ordering'),
    hazard('retries that double-apply', 'Retries can apply the same payment twice', 'integrity.ordering'),
    hazard('updates out of order', 'Updates from two replicas are applied out of order', 'integrity.ordering'),
    hazard('a demoted primary serving writes', 'Old primary keeps serving writes after it is demoted', 'exception.roleChange', 'F'),
    hazard('a minority partition accepting writes', 'Writes are accepted by a minority partition after failover', 'exception.roleChange', 'F'),
    neighbour('messages displayed twice', 'Messages are displayed twice in the chat view', 'integrity.ordering'),
    neighbour('reordering columns', 'Reorder the columns in the export', 'integrity.ordering'),
    { name: 'replicas accepting writes by configuration is not a role change', input: askInput('Replicas accept writes when replica-read-only is off'), not: 'F' },
  ]);
});

describe('hazards: trivial frames keep alarming words incidental', () => {
  runTierTable([
    { name: 'docs about sessions after logout', input: askInput('docs: explain that sessions stay valid after logout until expiry'), tier: 'H' },
    { name: 'a typo near a plain-text warning', input: askInput('Fix typo in the plain text password warning'), tier: 'H' },
    { name: 'a bump for a CVE', input: askInput('Bump express to 4.19.2 for the open redirect CVE'), tier: 'H' },
    { name: 'docs about body size limits', input: askInput('docs: explain how to set the maximum request body size'), tier: 'H' },
    { name: 'a test-prefixed change naming a header check', input: askInput('test: add a case for the Host header check'), not: 'O', mentions: /incidental/ },
    { name: 'a test-only path list naming liveness', input: askInput('Add a regression test for workers that park forever', { files: 1, linesChanged: 40, paths: ['tokio/tests/rt_park.rs'] }), not: 'O' },
  ]);
});

describe('classifier rules adjusted alongside the hazard families', () => {
  runTierTable([
    { name: 'sanitising names that become paths', input: askInput('Sanitize attachment file names before writing them'), tier: 'O', signal: 'security.fileNames' },
    { name: 'escaping identifier names stays codegen', input: askInput('compiler: escape keys that are not valid identifiers'), not: 'O' },
    { name: 'changing the error type raised', input: askInput('Raise `ConfigError` instead of `KeyError` for a missing private key'), tier: 'S', signal: 'execute.errorType' },
    { name: 'an imperative cache is a performance change', input: askInput('Cache the parsed certificates per hostname'), tier: 'S' },
    { name: 'a mismatch warning reports wrong output', input: askInput('fix(ssr): avoid class mismatch warning for empty strings'), tier: 'S' },
    { name: 'a compiler warning is still labour', input: askInput('Silence the unused-variable warning in the parser'), tier: 'H' },
    { name: 'removing a duplicated test is labour', input: askInput('Remove duplicated test for the JSON parser'), tier: 'H' },
    { name: 'regenerating a session id is not codegen', input: askInput('Regenerate the session id when privileges change'), tier: 'O' },
    { name: 'regenerating stubs is codegen', input: askInput('Regenerate the gRPC stubs'), tier: 'H' },
  ]);
});

describe('hazards: lifted restrictions, secure comparison and host allow-lists', () => {
  runTierTable([
    hazard('lifting an upload restriction', 'Lift the file-size restriction on avatar uploads', 'security.weakenedControl'),
    hazard('relaxing a parser restriction', 'Relax the nesting restriction in the XML reader for trusted feeds', 'security.weakenedControl'),
    hazard('dropping the algorithm check on tokens', 'Drop the algorithm check when verifying tokens and rely on the key type', 'security.weakenedControl'),
    hazard('a secure comparison helper', 'Switch the webhook handler to a secure comparison helper', 'security.hazard'),
    hazard('a timing-safe function by name', 'use crypto.timingSafeEqual for the signature header', 'security.hazard'),
    hazard('an allow-list of hosts', 'Only allow loopback hosts to reach the admin port', 'security.hazard'),
    hazard('a release word as a sentence start', 'Versions 1.x are open to header injection through the redirect helper', 'security.hazard'),
    hazard('leaking a session cookie', 'The redirect helper leaks session cookies to other hosts', 'security.hazard'),
    hazard('logging refresh tokens', 'Stop logging refresh tokens in the OAuth debug output', 'security.hazard'),
    neighbour('tokens a lexer exposes', 'Expose the lexer tokens to syntax plugins'),
    neighbour('removing a restriction in a lint rule list', 'Remove the max-line-length restriction from the markdown lint rules'),
    neighbour('allowing a value that is not a host', 'Only allow one trailing comma in the config'),
    { name: 'a release subject is still release bookkeeping', input: askInput('Version 4.1.0'), tier: 'H', signal: 'labour.release' },
  ]);
});

describe('hazards: rule table hygiene', () => {
  test('every rule id is unique and namespaced by its family', () => {
    const ids = HAZARD_RULES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const rule of HAZARD_RULES) assert.ok(rule.id.startsWith(`${rule.family}.`), rule.id);
  });

  test('a gate never blocks its own rule on the cases above', () => {
    // The gate is a pre-check: whenever the full pattern matches, the gate must match too.
    const samples = [
      'tasks keep running after the runtime is dropped', 'the 500 page leaks internal file paths',
      'revoked api keys are still accepted', 'passwords are stored in plain text',
      'session ids are predictable', 'validate the host header', 'cap the number of headers in a request',
      'length field wraps around on 32-bit platforms', 'webhooks are delivered twice',
      'old primary keeps serving writes after it is demoted', 'toctou between check and open',
      'the entry is evicted while a reader still holds it', 'the promise can resolve after the component is unmounted',
    ];
    for (const rule of HAZARD_RULES) {
      for (const text of samples) {
        if (rule.gate && rule.re.test(text)) assert.ok(rule.gate.test(text), `${rule.id} gate blocks "${text}"`);
      }
    }
  });

  test('nor on any labelled request in the fixtures', () => {
    const texts = labelledRequestTexts();
    assert.ok(texts.length > 5000, `${texts.length} requests`);
    for (const rule of HAZARD_RULES) {
      if (!rule.gate) continue;
      for (const text of texts) {
        if (rule.re.test(text)) assert.ok(rule.gate.test(text), `${rule.id} gate blocks "${text}"`);
      }
    }
  });
});

describe('hazards: everyday asks that hide data loss, exposure or shared state', () => {
  runTierTable([
    hazard('deleting old records on a schedule', 'delete the old records nightly', 'integrity.consistency'),
    hazard('dropping a column', 'drop the unused column', 'integrity.consistency'),
    hazard('a DROP TABLE', 'add a reset task that runs drop table on the staging db', 'integrity.consistency'),
    hazard('logging request bodies', 'log the request body for debugging', 'security.loggedSecrets'),
    hazard('logging credentials', 'log the tokens we get back from the provider', 'security.loggedSecrets'),
    hazard('switching off certificate checks', 'disable ssl verification for now', 'security.weakenedControl'),
    hazard('sessions that never expire', 'make the session last forever', 'security.sessionLifecycle'),
    hazard('a webhook that trusts its payload', 'the webhook handler trusts the payload', 'security.headerTrust'),
    hazard('code made to run on many threads', 'make this work with multiple threads', 'concurrency.sharedState'),
    hazard('a cache shared between workers', 'share this cache between workers', 'concurrency.sharedState'),
    { name: 'impersonating users is access control', input: askInput('let admins impersonate users'), tier: 'O', signal: 'security.domain' },
    neighbour('deleting lines of code', 'delete the commented-out lines in this function'),
    neighbour('a log line about a request id', 'log the request id when the handler starts'),
    neighbour('a logs page is not logging', 'show the request logs page in the sidebar'),
    neighbour('a webhook endpoint added', 'add a webhook endpoint for build events'),
    neighbour('running tests on several workers', 'run the test suite on several workers in CI'),
    hazard('removing a lock', 'get rid of the global lock around the cache', 'concurrency.sharedState'),
    hazard('a mutex traded for a plain flag', 'replace the mutex with a plain bool', 'concurrency.sharedState'),
    hazard('removing a rate limiter', 'delete the rate limiter on the login route, it is annoying', 'security.weakenedControl'),
    hazard('switching off two-factor', 'disable the 2fa requirement for staff accounts', 'security.weakenedControl'),
    hazard('plain HTTP in production', 'allow plain http in production', 'security.weakenedControl'),
    hazard('a token valid for a year', 'let the token live for a year', 'security.sessionLifecycle'),
    hazard('foreign keys switched off', 'turn off the foreign key checks for the import', 'integrity.constraintsOff'),
    neighbour('a lock file is not a lock', 'remove the lock file from the repo'),
    hazard('a container run as root', 'run the container as root', 'security.weakenedControl'),
    hazard('a database port opened to the internet', 'expose port 5432 publicly', 'security.weakenedControl'),
    hazard('a firewall rule switched off', 'turn off the firewall rule for the office ip', 'security.weakenedControl'),
    neighbour('a port exposed for local development', 'expose port 3000 in the dev compose file'),
    hazard('merging user accounts', 'add a feature to merge two accounts', 'security.keyHandling'),
    { name: 'single sign-on is authentication', input: askInput('add SSO with Google'), tier: 'O', signal: 'security.domain' },
    { name: 'multi-tenancy is isolation work', input: askInput('add multi-tenant support'), tier: 'O', signal: 'security.domain' },
    neighbour('merging two branches', 'merge the two release branches'),
    hazard('a lock released before the write', 'Release the lock before writing the result', 'concurrency.sharedState'),
    hazard('shared state read without the mutex', 'Read the config without holding the mutex', 'concurrency.sharedState'),
    hazard('a buffer freed twice', 'Free the buffer in the error path twice', 'concurrency.freedWhileInUse'),
    hazard('redirects to any host', 'Allow redirects to any host', 'security.weakenedControl'),
    hazard('a file written in place instead of via a temp file', 'Write the file in place instead of via a temp file', 'integrity.durability'),
    hazard('a migration without a backup', 'Apply the migration without a backup', 'integrity.durability'),
    hazard('a cached price at checkout', 'Use the cached price at checkout', 'integrity.consistency'),
    hazard('money held in floats', 'Store money as float', 'integrity.consistency'),
    hazard('a delivery guarantee changed', 'Switch the queue to at-most-once delivery', 'integrity.consistency'),
    neighbour('a float for a progress bar', 'store the progress as a float between 0 and 1'),
    neighbour('a cached avatar', 'use the cached avatar in the header'),
    hazard('a hyphenated temp-file-then-rename given up', 'save the index in place instead of the temp-file-then-rename step', 'integrity.durability'),
    neighbour('a server closed twice in a teardown', 'close the test server twice in the teardown'),
    neighbour('an HTTP/0.9 flag', 'allow HTTP/0.9 responses behind a flag'),
  ]);
});

describe('hazards: routine words that only look risky, or risky words that only look routine', () => {
  runTierTable([
    { name: 'docs about deleting records stay labour', input: askInput('docs: explain how to delete old records'), tier: 'H' },
    { name: 'a release with a version is still release bookkeeping', input: askInput('Release 2.4.1'), tier: 'H', signal: 'labour.release' },
    { name: 'a prescribed lock is still prescribed', input: askInput('Read the config while holding the mutex'), tier: 'S', signal: 'concurrency.prescribed' },
    { name: 'a default admin user with a password is not the Default trait', input: askInput('add a default admin user with password admin'), not: 'H' },
    { name: 'a copy-to-clipboard button is not the Copy trait', input: askInput('add a copy button to the snippet viewer'), not: 'H' },
    { name: 'the Default trait, named', input: askInput('implement `Default` for the config struct'), tier: 'H', signal: 'labour.traitImpl' },
    { name: 'derives listed in a row', input: askInput('derive Debug, Clone, PartialEq on all these structs'), tier: 'H', signal: 'labour.traitImpl' },
    { name: 'formatting two-factor code stays labour', input: askInput('run prettier on the two-factor components'), tier: 'H' },
  ]);
});

describe('architecture: scale and structure questions', () => {
  runTierTable([
    { name: 'scaling to a million users is a design question', input: askInput('how do I make this scale to a million users'), tier: 'O', signal: 'architecture.design' },
    { name: 'the best way to structure a module is a design question', input: askInput("what's the best way to structure this module"), tier: 'O', signal: 'architecture.design' },
    { name: 'scaling an image is not', input: askInput('scale the logo to 200 pixels wide'), not: 'O' },
  ]);
});
