import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WORDING_MODEL_BELOW, classifyByRules, classifyRequest, withFloor } from '../../../src/core/routing/classifier';
import { DEFAULT_DIFFICULTY_SETTING, shouldCheckDifficulty } from '../../../src/core/routing/difficulty';
import type { Tier } from '../../../src/core/tiers';
import { TIER_LABELS } from '../../../src/core/tiers';
import type { TierCase } from '../../support/fixtures/routing/builders';
import { askInput, commandInput, runTierTable } from '../../support/fixtures/routing/builders';

/** Rows here always name the tier they expect. */
type Case = TierCase & { tier: Tier };

function runTable(cases: readonly Case[]): void {
  runTierTable(cases);
}

describe('classifier: labour stays cheap', () => {
  runTable([
    { name: 'typo in a guide', input: askInput('Fix typo in the installation guide'), tier: 'H', step: 'docs' },
    { name: 'rename across the codebase (large is not hard)', input: askInput('Rename `userId` to `accountId` across the codebase', { files: 60, linesChanged: 900 }), tier: 'H', step: 'rename' },
    { name: 'mass file move', input: askInput('Move all request handlers into src/handlers/', { files: 40, linesChanged: 3000 }), tier: 'H' },
    { name: 'a file moved under a folder', input: askInput('move the fixtures under tests/data'), tier: 'H' },
    { name: 'a folder moved into a package path is a move, not a split', input: askInput('move src/legacy into packages/legacy', { files: 240, linesChanged: 18_400 }), tier: 'H', signal: 'labour.move' },
    { name: 'a module split into packages is a split', input: askInput('split the parser into packages.', { files: 6, linesChanged: 400 }), tier: 'S', signal: 'execute.splitFiles' },
    { name: 'formatter run over everything', input: askInput('Reformat everything with prettier', { files: 120, linesChanged: 5000 }), tier: 'H', step: 'format' },
    { name: 'regenerated stubs', input: askInput('Regenerate the protobuf stubs', { files: 25, linesChanged: 4000 }), tier: 'H' },
    { name: 'trait boilerplate', input: askInput('impl `Display` and `Debug` for `ParseError`'), tier: 'H', step: 'boilerplate' },
    { name: 'conventional types scope', input: askInput('types(router): export `RouteMatch` interface'), tier: 'H' },
    { name: 'changelog-only change', input: askInput('Note the 2.1 changes', { files: 1, linesChanged: 12, paths: ['CHANGELOG.md'] }), tier: 'H', step: 'docs' },
    { name: 'a wordless change over many files is not labour by size alone', input: askInput('OBJ_ prefixes for object helpers', { files: 30, linesChanged: 900 }), tier: 'S', mentions: /size alone says nothing/ },
    { name: 'a weak verb spread a few lines over many files is a sweep', input: askInput('Refactor the logger calls', { files: 40, linesChanged: 120 }), tier: 'H', signal: 'size.sweep' },
    { name: 'a revert behind a scope prefix', input: askInput('pool: revert the connection reuse optimisation'), tier: 'H' },
    { name: 'docs extended for one API', input: askInput('net: extend documentation for `TcpStream::peek`'), tier: 'H', step: 'docs' },
    { name: 'docs about an API, scoped', input: askInput('fs: docs about `File::sync_all` durability'), tier: 'H', step: 'docs' },
    { name: 'docs rendered more clearly', input: askInput('render clearer documentation for the `retry!` macro'), tier: 'H', step: 'docs' },
  ]);
});

describe('classifier: alarming words on trivial work are not over-routed', () => {
  runTable([
    { name: 'dependency bump for a CVE', input: askInput('Bump serde to 1.0.190 for CVE-2023-1234'), tier: 'H', mentions: /incidental/ },
    { name: 'formatting code named after a risky domain', input: askInput('format the session expiry code'), tier: 'H', step: 'format', mentions: /incidental/ },
    { name: 'a rename of a mutex variable', input: askInput('rename the mutex variable to stateLock'), tier: 'H', step: 'rename' },
    { name: 'npm-style dependency pin', input: askInput('deps: jsonwebtoken@9.0.2 (security fix)'), tier: 'H' },
    { name: 'a dependency upgraded for a CVE, no version given', input: askInput('upgrade lodash to fix CVE-2021-23337'), tier: 'H', signal: 'labour.bump' },
    { name: 'a named dependency updated for an advisory', input: askInput('Update the openssl dependency to address the security advisory'), tier: 'H', signal: 'labour.bump' },
    { name: 'but project code updated for a CVE is the security fix itself', input: askInput('Update the multipart parser to fix CVE-2023-25577'), tier: 'O' },
    { name: 'typo in the security policy', input: askInput('Fix typo in SECURITY.md', { files: 1, linesChanged: 2, paths: ['SECURITY.md'] }), tier: 'H' },
    { name: 'docs about a threat model', input: askInput('docs: describe the threat model for session cookies'), tier: 'H' },
    { name: 'CI config mentioning races', input: askInput('Update the CI workflow to run tests with the race detector', { files: 1, linesChanged: 4, paths: ['.github/workflows/test.yml'] }), tier: 'H' },
    { name: 'revert of a risky change', input: askInput('Revert "Fix deadlock in the connection pool"'), tier: 'H' },
    { name: 'renaming in replication code', input: askInput('Rename master to primary in replication log messages', { files: 8, linesChanged: 90 }), tier: 'H' },
    { name: '"escape" as codegen quoting', input: askInput('compiler: escape keys that are not valid identifiers'), tier: 'S' },
  ]);
});

describe('classifier: "bump" is a version bump only when it is the request\'s own task', () => {
  // A counter bumped inside an interrupt handler, or "bump it" for a value the request just
  // named, is the mechanism under discussion, not a dependency change.
  runTable([
    { name: 'a polite lead-in', input: askInput('can you bump lodash'), tier: 'H', signal: 'labour.bump' },
    { name: 'past tense at the start', input: askInput('Bumped pyyaml'), tier: 'H', signal: 'labour.bump' },
    { name: 'a version bump named as a noun', input: askInput('Pre-3.2.0rc1 version bump'), tier: 'H', signal: 'labour.bump' },
    { name: 'dependencies bumped', input: askInput('deps bumped'), tier: 'H', signal: 'labour.bump' },
    { name: 'a bump that fixes a crash is still a bump', input: askInput('bump serde_yaml to fix a crash on empty documents'), tier: 'H', signal: 'labour.bump' },
    { name: "a bump so tests don't fail", input: askInput("Bump pytest so the suite doesn't fail on 3.13"), tier: 'H', signal: 'labour.bump' },
  ]);
  for (const text of [
    'the frame counter is a u16 bumped in the vsync interrupt and read by the render thread; make the handoff safe',
    'cache the cart total and bump it after the payment webhook lands instead of recounting',
    // A report that an upgrade broke something: the bump is the bug's setting, not the task.
    'after upgrading webpack to 5.90 the dev server crashes on the first reload',
    'Update of the grpc client from 1.58 to 1.60 results in dropped streams',
    'bumping sqlalchemy to 2.0.25 breaks the nightly export',
  ]) {
    test(text, () => {
      const result = classifyByRules(askInput(text));
      assert.ok(!result.signals.includes('labour.bump'), result.signals.join(', '));
      assert.notEqual(result.tier, 'H', result.reasons.join(' | '));
    });
  }
});

describe('classifier: a move or rename that is not a change of names in the code', () => {
  runTierTable([
    { name: 'out of a component into a hook', input: askInput('move the polling out of this component into a hook'), tier: 'S' },
    { name: 'a file renamed into place at run time', input: askInput('save the index to index.tmp and rename it into place, drop the fsync'), not: 'H' },
    { name: 'dropping the temp file + rename', input: askInput('just overwrite config.yaml directly, the temp file and rename are overkill'), not: 'H' },
    { name: 'a rename in the code stays labour', input: askInput('rename tmpFile to scratchPath'), tier: 'H', signal: 'labour.rename' },
    { name: 'work moved to another thread', input: askInput('move the thumbnail decoding to a worker thread'), not: 'H' },
    { name: 'data moved to another store', input: askInput('move the audit events from MySQL to ClickHouse'), not: 'H' },
    { name: 'tenants moved to their own database', input: askInput('move the largest customers to a dedicated database'), not: 'H' },
    { name: 'a value moved out of a slot', input: askInput('sched: move the waker out of the `parked` slot before notifying'), not: 'H' },
  ]);
});

describe('classifier: risk words in their everyday sense are not judgment', () => {
  const everyday = [
    'Improve naming consistency in the settings page',
    'Replicate the bug in a regression test',
    'Fix flicker while resizing the window',
    'Drop rows with empty values in the CSV script',
    'Fix corrupted image thumbnails in the gallery',
    'Encode headers as latin-1',
    'Add a rollback button to the deploy page',
    'implements Serializable for the DTOs',
  ];
  for (const text of everyday) {
    test(text, () => {
      const result = classifyByRules(askInput(text));
      assert.notEqual(result.tier, 'O', result.reasons.join(' | '));
      assert.notEqual(result.tier, 'F');
    });
  }
});

describe('classifier: execute work inside a clear frame', () => {
  runTable([
    { name: 'a new flag', input: askInput('Add a --json flag to the export command'), tier: 'S' },
    { name: 'writing tests', input: askInput('Write tests for the date parser'), tier: 'S', step: 'tests' },
    { name: 'handling an edge case', input: askInput('Handle empty responses from the payment API'), tier: 'S', step: 'fix' },
    { name: 'labour wording on hundreds of lines', input: askInput('Remove the legacy plugin loader', { files: 12, linesChanged: 1500 }), tier: 'S', mentions: /1500 lines/ },
    { name: 'a small removal stays labour', input: askInput('Remove the legacy plugin loader', { files: 2, linesChanged: 20 }), tier: 'H' },
    { name: 'a number with a unit is a setting, not a major version', input: askInput('Bump the upload timeout to 30 seconds'), tier: 'H' },
    { name: 'splitting a module into files', input: askInput('Refactor the parser module into separate files', { files: 6, linesChanged: 2500 }), tier: 'S' },
    { name: 'a prescribed lock', input: askInput('Add a mutex around the shared plugin registry'), tier: 'S', mentions: /prescribed/ },
    { name: 'a major-version upgrade is a migration', input: askInput('Upgrade Express from 4.18 to 5.0'), tier: 'S', mentions: /major-version/ },
    { name: 'a descriptor leak on an error path', input: askInput('Close the socket on the error path to fix a file descriptor leak'), tier: 'S' },
  ]);
});

describe('classifier: risk behind innocent wording goes to judgment', () => {
  runTable([
    { name: 'timing-safe comparison', input: askInput('Compare API tokens with a constant-time function'), tier: 'O' },
    { name: 'a verification step named', input: askInput('the webhook certificate validation here seems too lenient, take a look'), tier: 'O', signal: 'security.domain' },
    { name: 'token verification asked about', input: askInput('can you go over our token verification'), tier: 'O', signal: 'security.domain' },
    { name: 'symlink escaping a root', input: askInput("Don't follow symlinks that point outside the upload root"), tier: 'O' },
    { name: 'broken object-level authorization', input: askInput("Users can delete other users' comments"), tier: 'O', mentions: /security/ },
    { name: 'missing output escaping', input: askInput("Render the user's display name in the page title without escaping"), tier: 'O' },
    { name: 'two workers, one job', input: askInput('Two workers can pick up the same job at the same time'), tier: 'O', mentions: /concurrency/ },
    { name: 'durability', input: askInput('Make sure writes are flushed to disk before we acknowledge them'), tier: 'O' },
    { name: 'unsafe deserialisation', input: askInput('Parse YAML config with yaml.load on uploaded files'), tier: 'O' },
    { name: 'redirect target', input: askInput('Fix the login redirect so it only goes to relative URLs'), tier: 'O' },
    { name: 'intermittent failure', input: askInput('Cache is sometimes empty after a deploy'), tier: 'O' },
    { name: 'SQL built from input', input: askInput('Fix the search query built from the request parameters'), tier: 'O' },
    { name: 'duplicate side effects', input: askInput('Customers are charged twice when they double-click Pay'), tier: 'O' },
    { name: 'race hidden in a typo-sounding subject', input: askInput('Fix typo in lock handling that caused a race'), tier: 'O' },
    { name: 'a bare fix in auth code', input: askInput('Fix token check', { files: 1, linesChanged: 8, paths: ['src/auth/verify.ts'] }), tier: 'O', mentions: /security code/ },
    { name: 'architecture', input: askInput('Design the plugin architecture for exporters'), tier: 'O', step: 'architecture' },
    { name: 'a race in low-stakes metrics code is execute', input: askInput('metrics: counter updates are racy, use fetch_add'), tier: 'S' },
  ]);
});

describe('classifier: the wording model does not talk a specific hazard down', () => {
  // A mechanical-sounding verb co-fires with the hazard and lowers the rules' confidence, which
  // gives the wording model a say; it reads the shape of the words, not what the hazard does.
  for (const text of [
    'settings: switch to pickle.loads instead of json for the session blob',
    'use eval to parse the numeric expressions in the pricing endpoint',
    'db: drop the old_accounts table',
  ]) {
    test(text, () => {
      const rules = classifyByRules(askInput(text, { files: 1, linesChanged: 12 }));
      const result = classifyRequest(askInput(text, { files: 1, linesChanged: 12 }));
      assert.equal(rules.tier, 'O', 'the rules see the hazard');
      assert.ok(rules.confidence < WORDING_MODEL_BELOW, 'and the model gets a say');
      assert.equal(result.tier, 'O', result.reasons.join(' | '));
    });
  }
});

describe('classifier: hazards described in plain words', () => {
  // Our own wording for the families the adversarial sets showed were read as routine.
  const sel = (lines: number) => ({ files: 1, linesChanged: lines, paths: ['src/handlers/export.ts'] });
  runTable([
    { name: 'a file name the user typed', input: askInput('save the export under whatever file name the user typed', sel(20)), tier: 'O', signal: 'security.untrustedInput' },
    { name: 'a path from the request reaches a command', input: askInput('run convert on the path from the request params', sel(15)), tier: 'O', signal: 'security.untrustedInput' },
    { name: 'a query built by concatenation', input: askInput('build the WHERE clause with string concatenation', sel(25)), tier: 'O', signal: 'security.injectionSink' },
    { name: 'raw HTML switched on', input: askInput('enable raw HTML in the comment renderer'), tier: 'O', signal: 'security.injectionSink' },
    { name: 'an uploaded archive unpacked', input: askInput('unzip the uploaded archive into the project folder', sel(30)), tier: 'O', signal: 'security.injectionSink' },
    { name: 'a signature compared with ==', input: askInput('check the webhook signature with ==', sel(10)), tier: 'O', signal: 'security.secretEquality' },
    { name: '== named before the secret', input: askInput('just use == on the two api keys here', sel(10)), tier: 'O', signal: 'security.secretEquality' },
    { name: 'reset links that never expire', input: askInput('drop the expiry on password reset links'), tier: 'O' },
    { name: 'a bucket made public', input: askInput('make the uploads bucket public so images load'), tier: 'O', signal: 'security.weakenedControl' },
    { name: 'a world-writable socket', input: askInput('chmod the socket 0666 so the agent can write to it'), tier: 'O', signal: 'security.weakenedControl' },
    { name: 'access widened to another group', input: askInput('let support staff view the billing page too'), tier: 'O', signal: 'security.weakenedControl' },
    { name: 'an fsync skipped', input: askInput('skip the fsync after each append, the OS flushes eventually'), tier: 'O', signal: 'integrity.durability' },
    { name: 'a crash half-way through', input: askInput('if the importer crashes half-way does it leave partial rows?', sel(60)), tier: 'O', signal: 'integrity.durability' },
    { name: 'deleting rows in production', input: askInput('delete the orphaned invoices in prod'), tier: 'O', signal: 'integrity.durability' },
    { name: 'a barrier dropped from a lock-free push', input: askInput("drop the store barrier in the ring buffer's push"), tier: 'F', signal: 'exception.fenceRemoved' },
    { name: 'state shared between workers', input: askInput('this map is shared between the worker threads, is that ok?', sel(40)), tier: 'O', signal: 'concurrency.sharedState' },
    { name: 'an atomic made plain', input: askInput("the refcount doesn't need the atomic, use a plain increment", sel(20)), tier: 'O', signal: 'concurrency.sharedState' },
    { name: 'a job run by several pods at once', input: askInput('make sure the nightly job is fine running on 4 pods at the same time'), tier: 'O', signal: 'concurrency.hazard' },
    { name: 'designing a model', input: askInput('design the permissions model for teams'), tier: 'O', signal: 'architecture.design' },
    { name: 'planning a framework move', input: askInput('plan the move from Vue 2 to Vue 3'), tier: 'O', signal: 'architecture.design' },
    { name: 'planning a move between tools, mid-sentence', input: askInput('how should we plan porting the billing jobs from cron to temporal'), tier: 'O', signal: 'architecture.design' },
    { name: 'a move stated, then "plan it so"', input: askInput('switching the fleet to systemd timers. plan it so old and new never run the same job'), tier: 'O', signal: 'architecture.design' },
    { name: 'how would you structure it', input: askInput('how would you structure this service into modules?'), tier: 'O', signal: 'architecture.design' },
    { name: 'a choice between two designs', input: askInput('should the cache be in-process or redis?'), tier: 'O', signal: 'architecture.design' },
    { name: 'a figure that regressed', input: askInput('memory usage doubled after the last release'), tier: 'O', signal: 'rootCause.ambiguous' },
    { name: 'a failure rate', input: askInput('the checkout flow fails about 1 in 10 runs'), tier: 'O', signal: 'rootCause.ambiguous' },
    { name: 'a value that comes from the URL', input: askInput('the table name here comes straight from ?t= in the url', sel(20)), tier: 'O', signal: 'security.untrustedInput' },
    { name: 'whatever the client sends', input: askInput('the profile endpoint stores whatever avatar url the client sends', sel(30)), tier: 'O', signal: 'security.untrustedInput' },
    { name: 'user-entered fields', input: askInput('the invoice PDF embeds user-entered notes', sel(40)), tier: 'O', signal: 'security.untrustedInput' },
    { name: 'SQL in an f-string', input: askInput('cursor.execute(f"DELETE FROM carts WHERE id = {cart_id}") works, tidy it', sel(10)), tier: 'O', signal: 'security.injectionSink' },
    { name: 'checks done on the client', input: askInput('the coupon limit is checked on the client before checkout', sel(25)), tier: 'O', signal: 'security.weakenedControl' },
    { name: 'a signature checked after parsing', input: askInput('we deserialize the event body then verify the hmac', sel(25)), tier: 'O', signal: 'security.weakenedControl' },
    { name: 'an open route', input: askInput('add permitAll for /internal/** so the sidecar can reach it'), tier: 'O', signal: 'security.weakenedControl' },
    { name: 'a token from java.util.Random', input: askInput('session ids use new Random().nextInt(), ok?', sel(8)), tier: 'O', signal: 'security.weakRandomness' },
    { name: 'a recursive delete of a variable path', input: askInput('the cleanup step runs rm -rf $WORK_DIR/* before each build'), tier: 'O', signal: 'integrity.durability' },
    { name: 'infrastructure that will be replaced', input: askInput('terraform says the database will be replaced, can I apply?'), tier: 'O', signal: 'integrity.durability' },
    { name: 'a lock swapped for atomics', input: askInput('replace the spinlock in this allocator with atomics', sel(60)), tier: 'F', signal: 'exception.fenceRemoved' },
    { name: 'two nodes that both act as leader', input: askInput('after the network blip two nodes both accepted writes as leader'), tier: 'F', signal: 'exception.splitBrain' },
    { name: 'an interrupt handler sharing an index', input: askInput('the timer isr updates the counter the main loop reads', sel(30)), tier: 'O', signal: 'concurrency.sharedState' },
    { name: 'read, check, write', input: askInput('withdraw() reads the balance, checks it, then writes the new one', sel(20)), tier: 'O', signal: 'concurrency.sharedState' },
    { name: 'two calls at once', input: askInput('two requests can run at once for the same cart, is this ok?', sel(30)), tier: 'O', signal: 'concurrency.hazard' },
    { name: 'a buffer reused while in flight', input: askInput('I reuse the send buffer for the next message before the async write completes', sel(30)), tier: 'O', signal: 'concurrency.sharedState' },
    { name: 'read in one place, written in another', input: askInput('the config map is read in the request handler and written from the reload watcher', sel(30)), tier: 'O', signal: 'concurrency.sharedState' },
    { name: 'a global under threads', input: askInput('a global counter incremented by each of the worker threads', sel(20)), tier: 'O', signal: 'concurrency.sharedState' },
    { name: 'funds sent before the balance changes', input: askInput('refund() sends the tokens first and then updates the balance', sel(20)), tier: 'O', signal: 'concurrency.reentrancy' },
    { name: 'fields the user sends, whatever they are', input: askInput('save whatever settings they send in the request', sel(20)), tier: 'O', signal: 'security.untrustedInput' },
    { name: 'a PHP superglobal', input: askInput('delete the row whose id is in $_GET', sel(10)), tier: 'O', signal: 'security.untrustedInput' },
    { name: 'input echoed back', input: askInput('echo back what the user searched on the results page', sel(20)), tier: 'O', signal: 'security.untrustedInput' },
    { name: 'a shell call', input: askInput('run the converter with os.system and the uploaded name', sel(10)), tier: 'O' },
    { name: 'a password pasted into the code', input: askInput('put the prod admin password in here so the job can log in', sel(10)), tier: 'O', signal: 'security.credentialStorage' },
    { name: 'chain data as randomness', input: askInput('pick the winner with block.timestamp % entries.length', sel(10)), tier: 'O', signal: 'security.weakRandomness' },
    { name: 'every table truncated', input: askInput('a script that truncates every table before the import'), tier: 'O', signal: 'integrity.durability' },
    { name: 'how to migrate, as a question', input: askInput('how do we migrate the jobs from cron to a queue without losing runs?'), tier: 'O', signal: 'architecture.design' },
    { name: 'a constraint of no downtime', input: askInput('change the primary key type without downtime'), tier: 'O', signal: 'architecture.design' },
    { name: 'a choice, as a question', input: askInput('should we use websockets or server-sent events for this?'), tier: 'O', signal: 'architecture.design' },
    { name: 'how would you plan it', input: askInput('we need to merge two billing systems into one, how would you plan it'), tier: 'O', signal: 'architecture.design' },
    { name: 'where the time goes', input: askInput("the import takes 20 minutes, where's the time going"), tier: 'O', signal: 'rootCause.ambiguous' },
    { name: 'memory that climbs', input: askInput('worker memory climbs to 3GB overnight'), tier: 'O', signal: 'rootCause.ambiguous' },
    { name: 'results that differ', input: askInput('results differ between the CPU and GPU builds'), tier: 'O', signal: 'rootCause.ambiguous' },
    { name: 'a percentage of the profile is not a percentage of the time', input: askInput('give a 5% discount 10% of the time'), tier: 'S' },
    { name: 'a reply ahead of the fsync', input: askInput('respond to the client before the journal fsync completes'), tier: 'O', signal: 'integrity.aheadOfDurability' },
    { name: 'whole requests in the logs', input: askInput('log the entire request including headers when the upstream call fails'), tier: 'O', signal: 'security.fullDump' },
    { name: 'redirects followed by a fetcher', input: askInput('make the webhook sender follow redirects'), tier: 'O', signal: 'security.outboundFetch' },
    { name: 'a deserialiser fed from outside', input: askInput('load the saved session from the cookie with pickle.loads'), tier: 'O', signal: 'security.untrustedFormat' },
    { name: 'templates written by customers', input: askInput('let customers upload their own Handlebars templates for receipts'), tier: 'O', signal: 'security.untrustedFormat' },
    { name: 'a lookup no longer scoped to the tenant', input: askInput('load the project with Project.objects.get(pk=pk) instead of going through request.user.projects'), tier: 'O', signal: 'security.tenancy' },
    { name: 'inline scripts allowed', input: askInput("add 'unsafe-inline' to script-src so the chat widget loads"), tier: 'O', signal: 'security.browserPolicy' },
    { name: 'a key derived from an identifier', input: askInput('derive the encryption key from the customer id'), tier: 'O', signal: 'security.keyHandling' },
    { name: 'a column dropped after a backfill', input: askInput('drop the orders.notes_old column now that notes is filled'), tier: 'O', signal: 'integrity.consistency' },
    { name: 'a charge retried', input: askInput('retry the payment when the gateway times out'), tier: 'O', signal: 'integrity.consistency' },
    { name: 'a name passed straight into a filter', input: askInput('pass the search box text straight into the mongo filter'), tier: 'O', signal: 'security.injectionSink' },
    { name: 'locks taken in a new order', input: askInput('take the cache lock before the index lock in refresh()'), tier: 'O', signal: 'concurrency.sharedState' },
    { name: 'an atomic ordering in a call', input: askInput('load the head with head.load(Relaxed)'), tier: 'F', signal: 'exception.orderingWord' },
    { name: 'sequential ids as tokens', input: askInput('make share links use the auto-increment id instead of the uuid'), tier: 'O', signal: 'security.weakRandomness' },
    { name: 'a password on the command line', input: askInput('pass the api key to the uploader on the command line'), tier: 'O', signal: 'security.credentialStorage' },
  ]);
  test('a plain full-text search is not a dump of requests', () => {
    const result = classifyByRules(askInput('add full-text search over the product descriptions'));
    assert.ok(!result.signals.includes('security.fullDump'), result.signals.join(', '));
  });
  test('the Escape key is not output escaping', () => {
    const result = classifyByRules(askInput('the dropdown should close on escape', sel(30)));
    assert.ok(!result.signals.includes('security.escaping'), result.signals.join(', '));
  });
  test('text a user typed that vanishes is UI state, not a sink', () => {
    const result = classifyByRules(askInput('the text the user typed is lost when the dialog reopens', sel(30)));
    assert.ok(!result.signals.includes('security.untrustedInput'), result.signals.join(', '));
  });
});

describe('classifier: mechanical editor asks are labour', () => {
  const sel = (lines: number) => ({ files: 1, linesChanged: lines, paths: ['src/model/user.ts'] });
  runTable([
    { name: 'alphabetising', input: askInput('alphabetize these enum members', sel(20)), tier: 'H' },
    { name: 'a spellcheck', input: askInput('spellcheck the README'), tier: 'H' },
    { name: 'translating comments', input: askInput('translate these comments into English', sel(30)), tier: 'H', step: 'docs' },
    { name: 'a TODO', input: askInput('leave a TODO to handle pagination', sel(10)), tier: 'H', step: 'docs' },
    { name: 'quote style', input: askInput('switch the double quotes to single quotes', sel(40)), tier: 'H', step: 'format' },
    { name: 'debug prints removed', input: askInput('remove all the debug prints', sel(80)), tier: 'H' },
    { name: 'a case convention', input: askInput('make these enum values SCREAMING_SNAKE_CASE', sel(12)), tier: 'H', step: 'rename' },
    { name: 'accessors', input: askInput('generate getters and setters for this class', sel(25)), tier: 'H', step: 'boilerplate' },
    { name: 'a flag lookup', input: askInput("what's the flag to make grep case-insensitive"), tier: 'H' },
    { name: 'an operator lookup', input: askInput('what does := do in python'), tier: 'H' },
    { name: 'a tooling how-to', input: askInput('how do i see which port is in use'), tier: 'H' },
    { name: 'a language how-to', input: askInput('how do i merge two dicts in python'), tier: 'H', signal: 'labour.howTo' },
    { name: 'a difference question', input: askInput("what's the difference between == and === in js"), tier: 'H', signal: 'labour.howTo' },
    { name: 'a snippet lookup', input: askInput('regex for a semver string'), tier: 'H', signal: 'labour.howTo' },
    { name: 'a doc-comment tool', input: askInput('javadoc for these getters', sel(20)), tier: 'H', step: 'docs' },
    { name: 'a linter by name', input: askInput('make this pass rubocop', sel(40)), tier: 'H', step: 'format' },
    { name: 'a construct conversion', input: askInput('turn these constants into an enum', sel(15)), tier: 'H' },
    { name: 'strings moved to resources', input: askInput('move these hardcoded strings into the locale file', sel(30)), tier: 'H' },
    { name: 'a style of docstring', input: askInput('sphinx-style docstrings for this module please', sel(60)), tier: 'H', step: 'docs' },
    { name: 'a docblock', input: askInput('add a docblock to this method', sel(15)), tier: 'H', step: 'docs' },
    { name: 'a formatter by name', input: askInput('run scalafmt on this', sel(80)), tier: 'H', step: 'format' },
    { name: 'sorted includes', input: askInput('sort the includes at the top', sel(12)), tier: 'H', step: 'format' },
    { name: 'a swap led by the verb', input: askInput('swap the ArrayList for a LinkedList here', sel(20)), tier: 'H' },
    { name: 'fields into properties', input: askInput('turn these getters into auto properties', sel(30)), tier: 'H' },
    { name: 'an equivalent elsewhere', input: askInput("what's the kotlin equivalent of java's try-with-resources"), tier: 'H', signal: 'labour.howTo' },
    { name: 'something one always forgets', input: askInput('the git flag for a shallow clone, i always forget it'), tier: 'H', signal: 'labour.howTo' },
    { name: 'what an API does, with a follow-up', input: askInput('what does Object.freeze actually do, is it deep'), tier: 'H', signal: 'labour.howTo' },
    { name: 'a JSON pair', input: askInput('toJson/fromJson for this class', sel(20)), tier: 'H', step: 'boilerplate' },
    { name: 'an argument parser', input: askInput('argparse block for --in --out --threads', sel(5)), tier: 'H', step: 'boilerplate' },
    { name: 'a widget extracted', input: askInput('extract this into its own HeaderWidget', sel(40)), tier: 'H' },
  ]);
  test('what a line of the open file does is an explanation, not a lookup', () => {
    const result = classifyByRules(askInput('What does the closure on line 40 of server.ts do?'));
    assert.ok(!result.signals.includes('labour.howTo'), result.signals.join(', '));
  });
  test('tests named by their framework are test work', () => {
    const result = classifyByRules(askInput('jest tests for the cart reducer, empty cart and duplicate items'));
    assert.equal(result.tier, 'S', result.reasons.join(' | '));
    assert.equal(result.stepType, 'tests');
  });
  test('moving tests is not writing them', () => {
    const result = classifyByRules(askInput('Move tests for `parser` into `tests/parser/`'));
    assert.ok(!result.signals.includes('execute.tests'), result.signals.join(', '));
  });
  test('how to handle something in the code is not a lookup', () => {
    const result = classifyByRules(askInput('how can I handle timeouts when calling the payment API'));
    assert.ok(!result.signals.includes('labour.howTo'), result.signals.join(', '));
  });
  test('adding an option is a feature, not a lookup', () => {
    const result = classifyByRules(askInput('Add a --dry-run option to the deploy command'));
    assert.equal(result.tier, 'S', result.reasons.join(' | '));
  });
  test('explaining the selected code is still execute', () => {
    const result = classifyByRules(askInput('what does this function do', sel(30)));
    assert.equal(result.tier, 'S', result.reasons.join(' | '));
  });
  test('a plan that is not a migration is not architecture', () => {
    const result = classifyByRules(askInput('plan the tasks for this sprint'));
    assert.ok(!result.signals.includes('architecture.design'), result.signals.join(', '));
  });
});

describe('classifier: a routine frame that sets a risk word aside is checked', () => {
  // The tier stays labour (a bump for a CVE usually is one); the confidence drops below the
  // default threshold so the difficulty check reads the request.
  const framed = [
    'Bump the session token lifetime to 90 days',
    'journal: skip the fsync after the segment rename',
    'Fix typo in the password reset email',
  ];
  for (const text of framed) {
    test(text, () => {
      const result = classifyRequest(askInput(text));
      assert.equal(result.tier, 'H', result.reasons.join(' | '));
      assert.ok(result.signals.includes('frame.riskSetAside'), result.signals.join(', '));
      assert.ok(shouldCheckDifficulty(result, DEFAULT_DIFFICULTY_SETTING), `confidence ${result.confidence}`);
      assert.match(result.reasons.at(-1)!, /for the difficulty check/);
    });
  }
  test('labour read from size is checked too', () => {
    const result = classifyRequest(askInput('Refactor the logger calls', { files: 40, linesChanged: 120 }));
    assert.equal(result.tier, 'H', result.reasons.join(' | '));
    assert.ok(result.signals.includes('size.sweep'), result.signals.join(', '));
    assert.ok(shouldCheckDifficulty(result, DEFAULT_DIFFICULTY_SETTING), `confidence ${result.confidence}`);
    assert.match(result.reasons.at(-1)!, /from size.*difficulty check/);
  });
  test('many files and no word at all is the execute default, not a sweep', () => {
    const input = askInput('HEAP_ prefixes for the arena helpers', { files: 28, linesChanged: 1100 });
    const rules = classifyByRules(input);
    assert.equal(rules.tier, 'S');
    assert.ok(shouldCheckDifficulty(rules, DEFAULT_DIFFICULTY_SETTING), `the rules alone are unsure: ${rules.confidence}`);
    const result = classifyRequest(input);
    assert.notEqual(result.tier, 'H', result.reasons.join(' | '));
    assert.ok(!result.signals.includes('size.sweep'), result.signals.join(', '));
    assert.match(result.reasons[0]!, /28 files, but size alone says nothing about difficulty/);
  });
  test('an explicit command states its own frame and keeps its confidence', () => {
    const result = classifyRequest(commandInput('tidy', 'journal: skip the fsync after the segment rename'));
    assert.ok(!result.reasons.some((r) => /for the difficulty check/.test(r)), result.reasons.join(' | '));
  });
  test('a labour route with no risk word keeps its confidence', () => {
    const result = classifyRequest(askInput('Fix typo in the installation guide'));
    assert.ok(!result.signals.includes('frame.riskSetAside'), result.signals.join(', '));
    assert.ok(!shouldCheckDifficulty(result, DEFAULT_DIFFICULTY_SETTING), `confidence ${result.confidence}`);
  });
});

describe('classifier: exception tier', () => {
  runTable([
    { name: 'weakening memory ordering', input: askInput('sync: switch the refcount decrement to Release ordering'), tier: 'F', mentions: /memory ordering/ },
    { name: 'a backticked ordering', input: askInput('use `Relaxed` for the epoch counter', { files: 1, linesChanged: 6, paths: ['src/sync/epoch.rs'] }), tier: 'F' },
    { name: 'split-brain', input: askInput('Fix split-brain when the leader is partitioned from the quorum'), tier: 'F' },
    { name: 'failover losing data', input: askInput('Failover can promote a replica that lost acknowledged writes, causing data loss'), tier: 'F' },
  ]);
});

describe('classifier: editor asks about the code in front of the user', () => {
  // What people type with a selection open, not commit subjects. One file, a selection's size.
  const sel = (lines: number) => ({ files: 1, linesChanged: lines, paths: ['src/orders.ts'] });
  runTable([
    { name: 'format the open file', input: askInput('Format this file', sel(120)), tier: 'H', step: 'format' },
    { name: '"look over this" is a review, not "X over Y"', input: askInput('look over this', sel(20)), tier: 'S', step: 'review' },
    { name: 'inlining a variable is a local simplification', input: askInput('inline this variable', sel(20)), tier: 'H', step: 'refactor' },
    { name: 'better names', input: askInput('Give the variables in this function clearer names', sel(30)), tier: 'H', step: 'rename' },
    { name: 'a naming convention', input: askInput('Make these methods follow camelCase naming', sel(40)), tier: 'H', step: 'rename' },
    { name: 'docstrings', input: askInput('Generate docstrings for these functions', sel(50)), tier: 'H', step: 'docs' },
    { name: 'a small function from a clear spec', input: askInput('Write a function that converts Celsius to Fahrenheit', sel(6)), tier: 'H', step: 'boilerplate' },
    { name: 'a small component from a clear spec', input: askInput('Create a React component that shows a list of tags as chips', sel(20)), tier: 'H', step: 'boilerplate' },
    { name: 'the same ask over a large area is real work', input: askInput('Create a React component that shows a list of tags as chips', sel(120)), tier: 'S' },
    { name: 'a password check is never boilerplate', input: askInput('Write a function that checks whether a password matches its bcrypt hash', sel(10)), tier: 'O' },
    { name: 'a snippet ask for tests stays execute', input: askInput('Write a unit test for this parser', sel(20)), tier: 'S', step: 'tests' },
    { name: 'where something lives', input: askInput('Where is the retry delay configured?', sel(200)), tier: 'H' },
    { name: 'a tooling how-to', input: askInput('How do I run only the integration tests?', sel(10)), tier: 'H' },
    { name: 'a git chore', input: askInput('undo the last commit but keep my changes'), tier: 'H' },
    { name: 'refactor the selection', input: askInput('Refactor this into smaller functions', sel(80)), tier: 'S', step: 'refactor', signal: 'execute.selectionRework' },
    { name: 'rewrite the selection in another style', input: askInput('Rewrite this to use async/await', sel(40)), tier: 'S', step: 'refactor', signal: 'execute.selectionRework' },
    { name: 'merge two selected functions', input: askInput('merge these two near-identical parsers', sel(70)), tier: 'S', step: 'refactor', signal: 'execute.selectionRework' },
    { name: 'port the selection to another language', input: askInput('port this to rust', sel(60)), tier: 'S', step: 'refactor', signal: 'execute.selectionRework' },
    { name: 'translate code to another language', input: askInput('translate this perl sub into python', sel(30)), tier: 'S', step: 'refactor', signal: 'execute.selectionRework' },
    { name: 'translating messages is labour, not a code port', input: askInput('translate these log messages from french to english', sel(20)), tier: 'H', signal: 'labour.logging' },
    { name: 'a selection rework with a race in it is judgment', input: askInput('Rewrite this so the cache update is not racy', sel(40)), tier: 'O' },
    { name: 'a security question about the selection', input: askInput('Is this safe against SQL injection?', sel(15)), tier: 'O' },
    { name: 'a thread-safety question is a concurrency review', input: askInput('Is this thread-safe?', sel(40)), tier: 'O', step: 'review' },
    { name: 'called from several threads, in other words', input: askInput('Is this safe to call from multiple threads?', sel(40)), tier: 'O', step: 'review', signal: 'concurrency.hazard' },
    { name: 'sorting the imports of the selection', input: askInput('sort these imports', sel(12)), tier: 'H', step: 'format' },
    { name: 'is this safe, about security code', input: askInput('Is this token check secure?', sel(15)), tier: 'O', signal: 'security.question' },
    { name: 'a small app from a clear spec', input: askInput('make a flask app with a /health endpoint that returns ok', sel(10)), tier: 'H', step: 'boilerplate' },
    { name: 'a size or speed tweak', input: askInput('the enemies move way too fast', sel(120)), tier: 'H' },
    { name: 'a cosmetic size tweak', input: askInput('make the buttons a bit bigger', sel(60)), tier: 'H' },
    { name: 'a design question', input: askInput('How would you build an upload service with authentication and virus scanning?'), tier: 'O' },
    { name: 'a general review of the selection', input: askInput('Review this code', sel(23)), tier: 'S', step: 'review', mentions: /a review of the selected code/ },
    { name: 'a review for security is judgment', input: askInput('Review this code for injection risks', sel(23)), tier: 'O' },
    { name: 'explaining security code changes nothing', input: askInput('Explain how the session login flow works', sel(80)), tier: 'S', step: 'explain' },
    { name: 'describing an architecture is an explanation', input: askInput('Describe the architecture of this service', { files: 30, linesChanged: 2000 }), tier: 'S' },
    { name: 'but explaining why code is unsafe is a security review', input: askInput('Explain why this login handler is vulnerable', sel(40)), tier: 'O' },
    { name: 'and explaining a race is judgment', input: askInput('Explain the race in this cache', sel(40)), tier: 'O' },
    { name: 'assessing a whole codebase is judgment', input: askInput('Review this codebase and point out the fragile parts', { files: 60, linesChanged: 2000 }), tier: 'O', signal: 'architecture.assessment' },
    { name: 'migrating a codebase, plan first', input: askInput('Migrate this codebase to Python 3.12, start with a plan', { files: 80, linesChanged: 2000 }), tier: 'O' },
    { name: 'comments written to order', input: askInput('Write inline comments for this query', sel(30)), tier: 'H', step: 'docs' },
    { name: 'a serializer from a clear spec', input: askInput('Write a serializer for this data structure', sel(25)), tier: 'H', step: 'boilerplate' },
  ]);
  test('"is it safe to call twice" is not a security question', () => {
    const result = classifyByRules(askInput('Is it safe to call this twice?', sel(15)));
    assert.ok(!result.signals.includes('security.question'), result.signals.join(', '));
  });
  test('nor is a small snippet in auth code', () => {
    const result = classifyByRules(askInput('Create a helper that builds the redirect URL', { files: 1, linesChanged: 12, paths: ['src/auth/login.ts'] }));
    assert.notEqual(result.tier, 'H', result.reasons.join(' | '));
    assert.ok(!result.signals.includes('labour.snippet'), result.signals.join(', '));
  });
  test('a rework across many files is not a selection rework', () => {
    const result = classifyByRules(askInput('Refactor this to use the new logger', { files: 12, linesChanged: 400 }));
    assert.equal(result.tier, 'S');
    assert.ok(!result.signals.includes('execute.selectionRework'), result.signals.join(', '));
  });
});

describe('classifier: a labour verb does not hide what the selection does', () => {
  const sel = { files: 1, linesChanged: 20, paths: ['src/orders.ts'] };
  runTierTable([
    { name: 'inlining stays judgment when the helper is security code', input: askInput('inline this helper, it checks the csrf token', sel), not: 'H' },
    { name: '"tidy it up" after a description of what the code does is not labour', input: askInput('this shells out with the hostname from the config file, tidy it up', sel), not: 'H' },
  ]);
});

describe('classifier: commands are a strong prior', () => {
  runTable([
    { name: 'tidy', input: commandInput('tidy', '', { selectedLines: 40 }), tier: 'H', step: 'format' },
    // Rename, Tidy and Docs keep what the code does: an alarming path or noun does not make them harder.
    { name: 'rename in auth code stays labour', input: commandInput('rename', 'passwordHash', { paths: ['src/auth/login.ts'], selectedLines: 1 }), tier: 'H', step: 'rename' },
    { name: 'a typo in the security policy stays labour', input: commandInput('docs', 'fix the typo in the disclosure address', { paths: ['SECURITY.md'], selectedLines: 4 }), tier: 'H', step: 'docs' },
    { name: 'tidying crypto helpers stays labour', input: commandInput('tidy', '', { paths: ['src/crypto/keys.ts'], selectedLines: 40 }), tier: 'H' },
    { name: 'a tidy that also asks to stop building SQL from strings is not labour', input: commandInput('tidy', 'tidy this and stop building the query with string concatenation', { paths: ['src/db.ts'], selectedLines: 30 }), tier: 'S' },
    { name: 'explain a short selection', input: commandInput('explain', '', { selectedLines: 12 }), tier: 'H', step: 'explain' },
    { name: 'explain a short selection of plain code', input: commandInput('explain', '', { selectedLines: 3, code: 'const total = items.reduce((sum, i) => sum + i.price, 0);' }), tier: 'H', step: 'explain' },
    { name: 'explain a short selection that builds a query from strings: the explanation must name the risk', input: commandInput('explain', '', { selectedLines: 3, code: 'return db.query("SELECT * FROM orders WHERE customer = \'" + customer + "\'");' }), tier: 'S', step: 'explain' },
    { name: 'explain lock-free code', input: commandInput('explain', 'why is this lock-free queue correct?', { selectedLines: 120 }), tier: 'O' },
    { name: 'small ordinary review', input: commandInput('review', '', { selectedLines: 30, files: 1, paths: ['src/format.ts'] }), tier: 'S', step: 'review' },
    { name: 'review of auth code', input: commandInput('review', '', { selectedLines: 30, files: 1, paths: ['src/auth/session.ts'] }), tier: 'O' },
    { name: 'security review', input: commandInput('securityReview', '', { selectedLines: 200 }), tier: 'O', step: 'securityReview' },
    { name: 'security review of memory ordering', input: commandInput('securityReview', 'check the SeqCst fences', { selectedLines: 200 }), tier: 'F' },
    { name: 'refactor across many files', input: commandInput('refactor', 'restructure the storage layer', { files: 9 }), tier: 'O' },
    { name: 'architecture review', input: commandInput('architectureReview', ''), tier: 'O', step: 'architecture' },
  ]);
});

describe('classifier: Fix Review Finding', () => {
  const fix = (message: string, category: string, severity = 'medium', code?: string) => ({
    ...commandInput('fix', `Fix this problem, which a review found in the selected code: ${message} (${category}, ${severity} severity; found by claude-haiku-4-5).`, { selectedLines: 3, files: 1, paths: ['src/report.ts'], ...(code ? { code } : {}) }),
    finding: { category, severity },
  });
  const cases: [string, ReturnType<typeof fix>, Tier][] = [
    ['a maintainability finding is a fix in a clear frame', fix('The loop recomputes the total on every pass', 'maintainability'), 'S'],
    ['so is a high-severity correctness finding worded plainly', fix('The last page of results is never returned', 'correctness', 'high'), 'S'],
    ['a security finding is a security-sensitive fix, however mild its words', fix('The report name comes straight from the request', 'security'), 'O'],
    ['so is a concurrency finding', fix('Two callers can both see the slot as free', 'concurrency', 'low'), 'O'],
    ['a style finding over a query built from strings: the code decides', fix('Inconsistent quotes', 'style', 'low', 'db.query("SELECT * FROM t WHERE id = " + id)'), 'O'],
    ['memory ordering goes to judgment; the exception tier stays an explicit choice, as for Refactor', fix('The Relaxed load can see the flag before the data it guards', 'correctness', 'high'), 'O'],
  ];
  for (const [name, input, tier] of cases) {
    test(`${name} → ${tier}`, () => {
      const result = classifyRequest(input);
      assert.equal(result.tier, tier, result.reasons.join(' | '));
      assert.equal(result.stepType, 'fix');
    });
  }
  test('the finding is named in the reasons when its category alone decides', () => {
    const result = classifyRequest({ ...fix('The slot can be taken twice', 'maintainability'), finding: { category: 'concurrency', severity: 'low' } });
    assert.equal(result.tier, 'O');
    assert.ok(result.reasons.includes(`fixing a concurrency finding → ${TIER_LABELS.O}`), result.reasons.join(' | '));
  });
});

describe('classifier: output contract', () => {
  test('is deterministic', () => {
    const input = askInput('Fix race in the worker pool shutdown', { files: 2, linesChanged: 30 });
    assert.deepEqual(classifyByRules(input), classifyByRules(input));
  });

  test('reasons read as sentences ending in the tier they support', () => {
    const result = classifyByRules(askInput('Fix integer overflow in the length check (CVE-2024-0001)'));
    const labels = Object.values(TIER_LABELS).join('|');
    assert.ok(result.reasons.length > 0);
    assert.match(result.reasons[0] ?? '', new RegExp(`→ (${labels})$`));
    assert.ok(result.signals.includes('security.hazard'));
  });

  test('confidence is low when nothing explains the request, high for a clear signal', () => {
    const vague = classifyByRules(askInput('Improve the widget'));
    const clear = classifyByRules(askInput('Fix typo in README'));
    assert.ok(vague.confidence < 0.55, `vague ${vague.confidence}`);
    assert.ok(clear.confidence >= 0.8, `clear ${clear.confidence}`);
    for (const c of [vague, clear]) assert.ok(c.confidence >= 0 && c.confidence <= 1);
  });

  test('signals name what fired, including context facts', () => {
    const result = classifyByRules(askInput('Update docs', { files: 2, paths: ['docs/a.md', 'docs/b.md'] }));
    assert.ok(result.signals.includes('path.docsOnly'));
    assert.equal(result.tier, 'H');
  });

  test('empty text with no command context defaults to execute with low confidence', () => {
    const result = classifyByRules(askInput(''));
    assert.equal(result.tier, 'S');
    assert.ok(result.confidence < 0.55);
  });
});

describe('classifier: a floor (a follow-up stays on the tier that answered)', () => {
  const floor = { tier: 'O' as const, why: 'a follow-up stays on the tier that gave the answer it follows' };
  test('raises a lower route and says why', () => {
    const low = classifyRequest(askInput('rename the variable rows to orderRows'));
    const raised = withFloor(low, floor);
    assert.equal(raised.tier, 'O');
    assert.equal(raised.reasons.at(-1), 'a follow-up stays on the tier that gave the answer it follows → judgment');
  });
  test('leaves a route at or above it, and no floor, alone', () => {
    const high = classifyRequest(askInput('is this lock-free queue free of races under concurrent pops?'));
    assert.equal(withFloor(high, { ...floor, tier: 'S' }), high);
    assert.equal(withFloor(high, undefined), high);
  });
});
