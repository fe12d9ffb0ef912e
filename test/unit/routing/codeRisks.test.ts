import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_SCANNED_CHARS, findCodeRisks, sayCodeRisks } from '../../../src/core/routing/codeRisks';
import { classifyRequest } from '../../../src/core/routing/classifier';
import { askInput, commandInput } from '../../support/fixtures/routing/builders';

function ids(code: string): string[] {
  return findCodeRisks(code).map((r) => r.id);
}

describe('findCodeRisks: constructs, not topics', () => {
  const cases: readonly (readonly [string, string, string | undefined])[] = [
    ['SQL joined to a variable', `db.query("SELECT * FROM users WHERE name = '" + name + "'")`, 'code.security.sqlFromStrings'],
    ['SQL in a template literal', 'db.query(`DELETE FROM carts WHERE id = ${id}`)', 'code.security.sqlFromStrings'],
    ['SQL formatted with %', `cur.execute("UPDATE users SET name = '%s'" % name)`, 'code.security.sqlFromStrings'],
    ['SQL in an f-string', `cur.execute(f"SELECT id FROM users WHERE email = '{email}'")`, 'code.security.sqlFromStrings'],
    ['SQL with .format()', `sql = "INSERT INTO logs VALUES ({})".format(msg)`, 'code.security.sqlFromStrings'],
    ['a placeholder and a parameter list', `db.query("SELECT * FROM users WHERE name = ?", [name])`, undefined],
    ['a placeholder and a parameter tuple', `cur.execute("SELECT * FROM users WHERE name = %s", (name,))`, undefined],
    ['an innerHTML write', `el.innerHTML = '<b>' + user.name + '</b>'`, 'code.security.htmlSink'],
    ['an innerHTML read', `if (el.innerHTML === '') show()`, undefined],
    ['React raw HTML', '<div dangerouslySetInnerHTML={{ __html: bio }} />', 'code.security.htmlSink'],
    ['a Jinja safe filter', '<p>{{ comment.body | safe }}</p>', 'code.security.htmlSink'],
    ['child_process', `const { exec } = require('child_process');`, 'code.security.shellCommand'],
    ['shell=True', 'subprocess.run(cmd, shell=True)', 'code.security.shellCommand'],
    ['a regex exec is not a shell', 'const m = pattern.exec(line);', undefined],
    ['eval of a value', 'const result = eval(expression);', 'code.security.dynamicCode'],
    ['a method named eval is not eval', 'model.eval(); evaluate(x);', undefined],
    ['pickle', 'state = pickle.loads(blob)', 'code.security.unsafeDeserialise'],
    ['yaml.load without a safe loader', 'cfg = yaml.load(text)', 'code.security.unsafeDeserialise'],
    ['yaml.load with a safe loader', 'cfg = yaml.load(text, Loader=yaml.SafeLoader)', undefined],
    ['a CSRF token compared with ===', 'if (csrfToken === req.body._csrf) next();', 'code.security.crypto'],
    ["a parser's token is not a credential", "if (token === '(') depth++;", undefined],
    ['an HMAC', `const mac = crypto.createHmac('sha256', key);`, 'code.security.crypto'],
    ['a file named from the request', 'res.sendFile(path.join(root, req.params.file))', 'code.security.pathFromRequest'],
    ['a Rust atomic', 'let n = count.fetch_add(1, Ordering::SeqCst);', 'code.concurrency.synchronisation'],
    ['a Go mutex', 'var mu sync.Mutex', 'code.concurrency.synchronisation'],
    ['a Python lock', 'lock = threading.Lock()', 'code.concurrency.synchronisation'],
    ['a DELETE with no WHERE', 'await db.exec("DELETE FROM sessions");', 'code.integrity.storedData'],
    ['a DELETE with a WHERE', 'await db.exec("DELETE FROM sessions WHERE expired = 1");', undefined],
    ['an fsync', 'os.fsync(fd)', 'code.integrity.storedData'],
    ['plain arithmetic', 'for (const i of items) total += i.price * i.qty;', undefined],
  ];
  for (const [name, code, expected] of cases) {
    test(name, () => {
      assert.deepEqual(ids(code), expected ? [expected] : []);
    });
  }

  test('comment lines are not code', () => {
    assert.deepEqual(ids('// never write el.innerHTML = value here\n# subprocess.run(cmd, shell=True)\n * eval(x) is banned'), []);
    assert.deepEqual(ids('// el.innerHTML = a\nel.innerHTML = b'), ['code.security.htmlSink'], 'the same construct on a code line after a comment still counts');
  });

  test('one finding per pattern, in a fixed order, with the construct quoted short', () => {
    const risks = findCodeRisks([
      'let guard = state.lock(); let hits = AtomicUsize::new(0);',
      `db.query("SELECT * FROM users WHERE id = " + id);`,
      `db.query("SELECT * FROM orders WHERE id = " + orderId);`,
    ].join('\n'));
    assert.deepEqual(risks.map((r) => r.id), ['code.security.sqlFromStrings', 'code.concurrency.synchronisation']);
    assert.equal(risks[0]?.match, 'SELECT * FROM users WHERE id = " + i');
    assert.ok(risks.every((r) => r.match.length <= 41));
  });

  test('quotes the construct, never the rest of its line', () => {
    const [risk] = findCodeRisks(`if (apiKey === "sk-live-0123456789abcdef") allow();`);
    assert.equal(risk?.id, 'code.security.crypto');
    assert.ok(!risk.match.includes('0123456789'), risk.match);
  });

  test('says the first risks and counts the rest', () => {
    const risks = findCodeRisks('el.innerHTML = x;\neval(y);\nconst m = new Mutex();');
    assert.equal(risks.length, 3);
    assert.equal(sayCodeRisks(risks), 'writes HTML from a string (`.innerHTML =`); evaluates code built at run time (`eval(`) and 1 more');
    assert.equal(sayCodeRisks(risks, 3), 'writes HTML from a string (`.innerHTML =`); evaluates code built at run time (`eval(`); synchronises threads (`Mutex`)');
  });

  test('a key inside the quoted construct is redacted', () => {
    const [risk] = findCodeRisks(`db.query("SELECT id FROM keys WHERE k = 'sk-ant-api03-abcdefgh' AND u = " + user)`);
    assert.equal(risk?.id, 'code.security.sqlFromStrings');
    assert.ok(!risk.match.includes('abcdefgh'), risk.match);
    assert.match(risk.match, /\[redacted/);
  });

  test('reads the head of a huge selection only', () => {
    const filler = 'total += 1;\n'.repeat(Math.ceil(MAX_SCANNED_CHARS / 12));
    assert.deepEqual(ids(`${filler}el.innerHTML = x;`), []);
    assert.deepEqual(ids(`el.innerHTML = x;\n${filler}`), ['code.security.htmlSink']);
  });
});

describe('classifier: the selected code can raise a route to judgment', () => {
  const risky = [
    'export async function findOrders(customer: string) {',
    `  return db.query("SELECT * FROM orders WHERE customer = '" + customer + "'");`,
    '}',
  ].join('\n');
  const benign = 'export function total(xs: number[]) {\n  return xs.reduce((a, b) => a + b, 0);\n}';
  const context = (code: string) => ({ code, selectedLines: 3, files: 1, paths: ['src/orders.ts'], languageId: 'typescript' });

  test('"review this" over a query built from strings is a security review at judgment, saying why', () => {
    const c = classifyRequest(askInput('review this', context(risky)));
    assert.equal(c.tier, 'O');
    assert.equal(c.stepType, 'securityReview');
    assert.ok(c.signals.includes('code.security.sqlFromStrings'));
    assert.match(c.reasons.at(-1)!, /^the selected code builds SQL from strings \(`SELECT \* FROM orders/);
    assert.match(c.reasons.at(-1)!, /→ judgment$/);
    assert.ok(c.confidence >= 0.75, 'code evidence is sure enough to skip the difficulty check');
  });

  test('the same ask over harmless code stays where its words put it', () => {
    const c = classifyRequest(askInput('review this', context(benign)));
    assert.equal(c.tier, 'S');
    assert.ok(!c.signals.some((s) => s.startsWith('code.')));
  });

  test('fixing or refactoring risky code is judgment; the Refactor command too', () => {
    assert.equal(classifyRequest(askInput('fix this', context(risky))).tier, 'O');
    const refactor = classifyRequest(commandInput('refactor', 'Refactor the selection', context('let guard = self.inner.lock();\nlet hits = AtomicUsize::new(0);')));
    assert.equal(refactor.tier, 'O');
    assert.equal(refactor.stepType, 'refactor', 'only a review becomes a security review');
    assert.ok(refactor.signals.includes('code.concurrency.synchronisation'));
  });

  test('labour, explanations, tests and additions on risky code keep their tier', () => {
    assert.equal(classifyRequest(askInput('rename customer to customerId', context(risky))).tier, 'H');
    assert.equal(classifyRequest(commandInput('tidy', 'Tidy the selection', context(risky))).tier, 'H');
    assert.equal(classifyRequest(askInput('explain this', context(risky))).tier, 'S');
    assert.equal(classifyRequest(askInput('write tests for this', context(risky))).tier, 'S');
    assert.equal(classifyRequest(askInput('add a docstring', context(risky))).tier, 'H');
  });

  test('never raises above judgment, and never lowers', () => {
    const exception = classifyRequest(askInput('audit the memory ordering of this lock-free queue under weak memory models', context(risky)));
    assert.notEqual(exception.tier, 'S');
    const without = classifyRequest(askInput('audit the memory ordering of this lock-free queue under weak memory models', context(benign)));
    assert.equal(exception.tier, without.tier, 'a route already at judgment or above is left alone');
  });
});
