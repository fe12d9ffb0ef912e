import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '@anthropic-ai/sdk/resources/messages';
import {
  DifficultyAnswer, FindingsAnswer, JudgeAnswer, RenameAnswer, extractCodeBlock, extractJson, taskHeader, type PromptTask,
} from '../../../src/core/protocol';
import { ladderUserMessage, useStandin } from './fixtures';

const RISKY_JS = [
  'function load(req, db) {',
  '  const q = "SELECT * FROM users WHERE id = " + req.query.id;',
  '  const rows = db.run(q);',
  '  if (rows.length == 0) return null;',
  '  // TODO: paginate',
  '  document.body.innerHTML = rows[0].bio;',
  '  try { eval(req.body.script); } catch (e) {}',
  '  const apiKey = "sk-live-abcdef1234567890";',
  '  return rows;',
  '}',
].join('\n');

const MESSY_TS = [
  'export function total(items: number[]) {   ',
  '\tlet sum = 0;',
  '   for (const item of items) {',
  '        sum += item;\t',
  '\t}',
  '',
  '',
  '',
  '  return sum;',
  '}',
].join('\n');

function text(message: Message): string {
  return message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
}

describe('standin: default responder for Ladder tasks', () => {
  const ctx = useStandin();

  async function ask(task: PromptTask, user: string, model = 'claude-haiku-4-5'): Promise<Message> {
    return ctx.client().messages.create({
      model,
      max_tokens: 4096,
      system: [{ type: 'text', text: `${taskHeader(task)}\nYou are Ladder's assistant.` }],
      messages: [{ role: 'user', content: user }],
    });
  }

  test('rename answers RenameAnswer JSON with names derived from the code', async () => {
    const reply = await ask('rename', ladderUserMessage({ code: 'const x = users.filter((u) => u.active);', request: 'Rename `x`.' }));
    const parsed = RenameAnswer.parse(extractJson(text(reply)));
    assert.equal(parsed.names[0]?.name, 'filteredUsers');
    assert.ok(parsed.names.every((n) => n.name !== 'x'));
    const snake = RenameAnswer.parse(extractJson(text(await ask('rename', ladderUserMessage({ language: 'python', file: 'a.py', code: 'tmp_cnt = len(rows)' })))));
    assert.ok(snake.names.every((n) => /^[a-z0-9_]+$/.test(n.name)), JSON.stringify(snake));
  });

  test('rename suggests names for the symbol the request names, not the first one declared around it', async () => {
    const code = 'const rows = await db.query("SELECT * FROM orders");\nlet t = 0;\nfor (const r of rows) { t += r.total; }';
    const names = async (symbol: string) => RenameAnswer.parse(extractJson(text(await ask('rename', ladderUserMessage({ code, request: `Suggest better names for \`${symbol}\` (line 2).` }))))).names.map((n) => n.name);
    assert.equal((await names('t'))[0], 'runningTotal');
    assert.equal((await names('rows'))[0], 'orderRows');
  });

  test('format returns one code block: trailing whitespace trimmed, indentation consistent, same tokens', async () => {
    const code = extractCodeBlock(text(await ask('format', ladderUserMessage({ code: MESSY_TS }))));
    assert.ok(code);
    const lines = code.split('\n');
    assert.ok(lines.every((l) => !/[ \t]$/.test(l)), 'no trailing whitespace');
    assert.ok(lines.every((l) => !l.includes('\t')), 'no tabs');
    assert.ok(lines.every((l) => ((/^ */.exec(l)?.[0].length ?? 0) % 2) === 0), 'indent in steps of two');
    assert.ok(!code.includes('\n\n\n'), 'blank runs collapsed');
    assert.equal(code.replace(/\s+/g, ''), MESSY_TS.replace(/\s+/g, ''));
  });

  test('docs prepends a doc comment with @param tags (a docstring in Python)', async () => {
    const ts = extractCodeBlock(text(await ask('docs', ladderUserMessage({ code: 'export function parseConfig(path: string, strict: boolean) {\n  return load(path, strict);\n}' }))));
    assert.match(ts ?? '', /^\/\*\*\n \* Parses config\.\n \*\n \* @param path .+\n \* @param strict .+\n \* @returns .+\n \*\/\nexport function parseConfig/);
    const py = extractCodeBlock(text(await ask('docs', ladderUserMessage({ language: 'python', file: 'm.py', code: 'def get_user(user_id):\n    return db[user_id]' }))));
    assert.match(py ?? '', /^def get_user\(user_id\):\n {4}"""Returns the user\./);
  });

  test('tests writes a test file importing the selection\'s functions', async () => {
    const code = extractCodeBlock(text(await ask('tests', ladderUserMessage({ file: 'src/math.ts', code: 'export function add(a: number, b: number) { return a + b; }\nexport const twice = (n: number) => n * 2;' }))));
    assert.match(code ?? '', /import \{ add, twice \} from '\.\/math';/);
    assert.match(code ?? '', /test\('add is exported and callable'/);
    assert.match(code ?? '', /assert\.equal\(add\.length, 2\)/);
  });

  test('refactor does what the request asks where it can: an accumulator loop becomes a reduce', async () => {
    const code = 'function total(items) {\n  let t = 0;\n  for (const i of items) { t += i.price * i.qty; }\n  return t;\n}';
    const refactored = extractCodeBlock(text(await ask('refactor', ladderUserMessage({ language: 'javascript', code, request: 'use reduce instead of the loop' }))));
    assert.equal(refactored, 'function total(items) {\n  return items.reduce((sum, i) => sum + i.price * i.qty, 0);\n}');
  });

  test('refactor, fix, implement and boilerplate each make a real change', async () => {
    const refactored = extractCodeBlock(text(await ask('refactor', ladderUserMessage({ language: 'javascript', code: 'var name = "x";\nvar n = 1;\nn = n + 1;\nlog("hi " + name);' }))));
    assert.equal(refactored, 'const name = "x";\nlet n = 1;\nn = n + 1;\nlog(`hi ${name}`);');
    const fixed = extractCodeBlock(text(await ask('fix', ladderUserMessage({ language: 'javascript', code: 'if (a == b) { go(); }' }))));
    assert.equal(fixed, 'if (a === b) { go(); }');
    const bound = extractCodeBlock(text(await ask('fix', ladderUserMessage({ language: 'typescript', code: `const rows = await db.query("SELECT * FROM t WHERE name = '" + name + "'");` }))));
    assert.equal(bound, 'const rows = await db.query("SELECT * FROM t WHERE name = $1", [name]);', 'a value quoted into SQL becomes a bound parameter');
    const implemented = extractCodeBlock(text(await ask('implement', ladderUserMessage({ code: 'function area(r: number): number {\n  // TODO\n}', request: 'compute the circle area' }))));
    assert.match(implemented ?? '', /Implemented: compute the circle area\n {2}return 0;/);
    const scaffold = extractCodeBlock(text(await ask('boilerplate', ladderUserMessage({ code: '', request: 'add a user profile type' }))));
    assert.match(scaffold ?? '', /export interface UserProfile \{/);
  });

  test('review finds the risky lines at their real line numbers, security first-class, some low-confidence', async () => {
    const reply = await ask('review', ladderUserMessage({ file: 'src/users.js', language: 'javascript', startLine: 40, code: RISKY_JS }));
    const answer = FindingsAnswer.parse(extractJson(text(reply)));
    const lineOf = (needle: string): number => 40 + RISKY_JS.split('\n').findIndex((l) => l.includes(needle));
    const at = (needle: string) => answer.findings.filter((f) => f.startLine === lineOf(needle));
    assert.ok(at('SELECT').some((f) => f.category === 'security' && f.severity === 'critical'));
    assert.ok(at('eval(').some((f) => f.category === 'security' && /eval/.test(f.message)));
    assert.ok(at('eval(').some((f) => f.category === 'reliability'), 'empty catch');
    assert.ok(at('innerHTML').some((f) => f.category === 'security'));
    assert.ok(at('sk-live').some((f) => f.category === 'security'));
    assert.ok(at('==').some((f) => f.category === 'correctness'));
    assert.ok(at('TODO').some((f) => f.confidence < 0.5));
    assert.ok(answer.findings.every((f) => f.file === 'src/users.js'));
  });

  test('securityReview and architecture answer FindingsAnswer JSON; clean code has no findings', async () => {
    const security = FindingsAnswer.parse(extractJson(text(await ask('securityReview', ladderUserMessage({ language: 'javascript', code: RISKY_JS })))));
    assert.ok(security.findings.filter((f) => f.category === 'security').length >= 3);
    assert.ok(!security.findings.some((f) => f.category === 'style'));
    const architecture = FindingsAnswer.parse(extractJson(text(await ask('architecture', ladderUserMessage({ code: RISKY_JS })))));
    assert.ok(Array.isArray(architecture.findings));
    const clean = FindingsAnswer.parse(extractJson(text(await ask('review', ladderUserMessage({ code: 'export const one = 1;' })))));
    assert.deepEqual(clean.findings, []);
  });

  test('architecture names the layers one module mixes, and where; layers in separate files of a digest are not mixed', async () => {
    const orders = 'import { db } from \'./db\';\n\nexport async function findOrders(c: string): Promise<Order[]> {\n  return db.query(\'SELECT * FROM orders\');\n}\n\nexport function renderOrder(el: HTMLElement, o: Order): void {\n  el.innerHTML = \'<b>\' + o.customer + \'</b>\';\n}\n';
    const one = FindingsAnswer.parse(extractJson(text(await ask('architecture', ladderUserMessage({ file: 'src/orders.ts', code: orders })))));
    const mixed = one.findings.find((f) => /mixes/.test(f.message));
    assert.equal(mixed?.message, 'This module mixes data access (`findOrders`) and rendering (`renderOrder`); separating the layers would let each be tested and changed alone.');
    assert.equal(mixed?.startLine, 4, 'at the first layer\'s line, not on a generic type (`Promise<Order[]>`)');
    const [data, view] = orders.split('\n\nexport function');
    const digest = `===== src/data.ts =====\n${data}\n\n===== src/view.ts =====\nexport function${view}`;
    const split = FindingsAnswer.parse(extractJson(text(await ask('architecture', ladderUserMessage({ file: 'src', code: digest })))));
    assert.ok(!split.findings.some((f) => /mixes/.test(f.message)), JSON.stringify(split.findings));
  });

  test('reviewJudge confirms, rejects or rewrites each finding it was sent, by index', async () => {
    const findings = [
      { file: 'a.js', startLine: 3, endLine: 3, severity: 'critical', category: 'security', confidence: 0.85, message: 'SQL injection' },
      { file: 'a.js', startLine: 7, endLine: 7, severity: 'info', category: 'style', confidence: 0.3, message: 'console.log left in' },
      { file: 'a.js', startLine: 9, endLine: 9, severity: 'medium', category: 'reliability', confidence: 0.6, message: 'Swallowed error' },
    ];
    const user = `Judge these findings:\n\`\`\`json\n${JSON.stringify({ findings }, null, 2)}\n\`\`\``;
    const answer = JudgeAnswer.parse(extractJson(text(await ask('reviewJudge', user, 'claude-opus-4-8'))));
    assert.deepEqual(answer.verdicts.map((v) => [v.index, v.verdict]), [[0, 'confirm'], [1, 'reject'], [2, 'rewrite']]);
    assert.equal(answer.verdicts[2]?.severity, 'low');
  });

  test('difficulty answers DifficultyAnswer JSON that reacts to the request', async () => {
    const hard = DifficultyAnswer.parse(extractJson(text(await ask('difficulty', ladderUserMessage({ code: 'x', request: 'Check this auth flow for injection vulnerabilities' })))));
    const easy = DifficultyAnswer.parse(extractJson(text(await ask('difficulty', ladderUserMessage({ code: 'x', request: 'rename this variable' })))));
    assert.equal(hard.tier, 'O');
    assert.equal(easy.tier, 'H');
  });

  test('explain and ask answer in paragraphs about the selection', async () => {
    const explained = text(await ask('explain', ladderUserMessage({ file: 'src/users.js', language: 'javascript', code: RISKY_JS })));
    assert.ok(explained.split('\n\n').length >= 2);
    assert.match(explained, /src\/users\.js/);
    assert.match(explained, /`load`/);
    const asked = text(await ask('ask', ladderUserMessage({ code: RISKY_JS, request: 'Why is this slow?' })));
    assert.match(asked, /Why is this slow\?/);
    // A follow-up: the code is in the conversation's first message, the new question alone.
    const followed = text(await ctx.client().messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 4096,
      system: taskHeader('ask'),
      messages: [
        { role: 'user', content: ladderUserMessage({ file: 'src/users.js', language: 'javascript', code: RISKY_JS, request: 'Why is this slow?' }) },
        { role: 'assistant', content: asked },
        { role: 'user', content: 'Request: And is it safe?' },
      ],
    }));
    assert.match(followed, /src\/users\.js/, 'answered about the code the conversation is about');
    assert.match(followed, /And is it safe\?/);
  });

  test('answers are deterministic and stream in several deltas', async () => {
    const user = ladderUserMessage({ language: 'javascript', code: RISKY_JS });
    const [a, b] = [await ask('review', user), await ask('review', user)];
    assert.equal(text(a), text(b));
    const stream = ctx.client().messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 4096, system: taskHeader('review'), messages: [{ role: 'user', content: user }] });
    let deltas = 0;
    stream.on('text', () => deltas++);
    const final = await stream.finalMessage();
    assert.ok(deltas >= 3, `${deltas} deltas`);
    assert.equal(text(final), text(a));
  });

  test('a forced tool call carries the answer as the tool input', async () => {
    const reply = await ctx.client().messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 2048,
      system: taskHeader('review'),
      tools: [{ name: 'report_findings', input_schema: { type: 'object' } }],
      tool_choice: { type: 'tool', name: 'report_findings' },
      messages: [{ role: 'user', content: ladderUserMessage({ language: 'javascript', code: RISKY_JS }) }],
    });
    const block = reply.content[0];
    assert.equal(reply.stop_reason, 'tool_use');
    assert.equal(block?.type === 'tool_use' && block.name, 'report_findings');
    FindingsAnswer.parse(block?.type === 'tool_use' ? block.input : undefined);
  });
});
