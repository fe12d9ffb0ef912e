import type { RenameAnswer } from '../../../src/core/protocol';
import { findDeclarations, identifierWords, joinWords, languageFamily, type Declaration, type Family, type Selection } from './selection';

/**
 * The default responder's edits. Each is a small, real transformation of the selection
 * so a demo shows a believable diff: deterministic, never a no-op when there is
 * something to change, and never a rewrite from nothing.
 */

function splitLines(code: string): { lines: string[]; trailingNewline: boolean } {
  const trailingNewline = code.endsWith('\n');
  return { lines: (trailingNewline ? code.slice(0, -1) : code).split('\n'), trailingNewline };
}

function joinLines(lines: readonly string[], trailingNewline: boolean): string {
  return lines.join('\n') + (trailingNewline ? '\n' : '');
}

function indentUnit(lines: readonly string[], family: Family): number {
  const widths = lines.map((l) => /^ +/.exec(l)?.[0].length ?? 0).filter((w) => w > 0);
  const smallest = widths.length ? Math.min(...widths) : 0;
  if (smallest >= 4) return 4;
  if (smallest >= 2) return 2;
  return family === 'python' || family === 'cLike' || family === 'rust' ? 4 : 2;
}

/** format/tidy: trailing whitespace trimmed, indentation made consistent, blank runs collapsed. */
export function tidy(code: string, language: string): string {
  const family = languageFamily(language);
  const { lines, trailingNewline } = splitLines(code);
  const useTabs = family === 'go' || /^make/i.test(language);
  const unit = indentUnit(lines, family);
  const out: string[] = [];
  for (const raw of lines) {
    const line = raw.replace(/[ \t]+$/, '');
    if (line === '') {
      if (out.length > 0 && out[out.length - 1] === '') continue;
      out.push('');
      continue;
    }
    const leading = /^[ \t]*/.exec(line)?.[0] ?? '';
    const body = line.slice(leading.length);
    const width = [...leading].reduce((w, ch) => w + (ch === '\t' ? unit : 1), 0);
    // Block-comment continuation lines (` * …`) keep their one-space offset.
    const commentContinuation = body.startsWith('*') && width % unit === 1;
    const level = commentContinuation ? Math.floor(width / unit) : Math.round(width / unit);
    const indent = useTabs ? '\t'.repeat(level) : ' '.repeat(level * unit);
    out.push(indent + (commentContinuation ? ' ' : '') + body);
  }
  while (out.length > 1 && out[out.length - 1] === '') out.pop();
  return joinLines(out, trailingNewline);
}

function thirdPerson(verb: string): string {
  if (/(?:s|sh|ch|x|z)$/.test(verb)) return `${verb}es`;
  if (/[^aeiou]y$/.test(verb)) return `${verb.slice(0, -1)}ies`;
  return `${verb}s`;
}

const VERB_PREFIXES = new Set([
  'get', 'set', 'is', 'has', 'can', 'should', 'create', 'make', 'build', 'parse', 'load', 'save', 'read', 'write', 'fetch',
  'find', 'compute', 'calculate', 'handle', 'render', 'update', 'delete', 'remove', 'add', 'format', 'validate', 'check',
  'convert', 'to', 'apply', 'run', 'start', 'stop', 'init', 'send', 'open', 'close', 'map', 'filter', 'sort', 'merge',
]);

/** One sentence describing a declaration from its name. */
export function describe(decl: Pick<Declaration, 'kind' | 'name'>): string {
  const words = identifierWords(decl.name);
  const [first = decl.name, ...rest] = words;
  const object = rest.join(' ') || 'the input';
  if (decl.kind === 'class') return `${words.map((w, i) => (i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w)).join(' ')}: holds the state and behaviour for ${words.join(' ')}.`;
  if (first === 'get') return `Returns the ${object}.`;
  if (first === 'is' || first === 'has' || first === 'can' || first === 'should') return `Tells whether ${first === 'is' ? 'it is' : `it ${first}`} ${object}.`;
  if (first === 'to') return `Converts the input to ${object}.`;
  if (first === 'on' || first === 'handle') return `Handles ${object}.`;
  if (first === 'init') return `Initialises ${object}.`;
  if (VERB_PREFIXES.has(first)) return `${thirdPerson(first).replace(/^./, (c) => c.toUpperCase())} ${object}.`;
  return `Computes ${words.join(' ')}.`;
}

function paramPhrase(name: string): string {
  return `The ${identifierWords(name).join(' ')}.`;
}

function hasDocAbove(lines: readonly string[], line: number): boolean {
  for (let i = line - 1; i >= 0; i--) {
    const text = (lines[i] ?? '').trim();
    if (text === '') continue;
    if (text.startsWith('@')) continue;
    return /\*\/$|^\/\/\/|^\/\/|^#(?!include)|^"""|^--/.test(text);
  }
  return false;
}

function docLines(decl: Declaration, family: Family, returns: boolean): string[] {
  const summary = describe(decl);
  const i = decl.indent;
  switch (family) {
    case 'rust':
      return [`${i}/// ${summary}`];
    case 'go':
      return [`${i}// ${decl.name} ${summary.charAt(0).toLowerCase()}${summary.slice(1)}`];
    case 'ruby':
    case 'shell':
      return [`${i}# ${summary}`];
    default: {
      const tags = decl.params.map((p) => `${i} * @param ${p} ${paramPhrase(p)}`);
      if (returns && decl.kind !== 'class') tags.push(`${i} * @returns The ${identifierWords(decl.name).slice(1).join(' ') || 'result'}.`);
      if (tags.length === 0) return [`${i}/** ${summary} */`];
      return [`${i}/**`, `${i} * ${summary}`, `${i} *`, ...tags, `${i} */`];
    }
  }
}

function pythonDocstring(decl: Declaration, bodyIndent: string): string[] {
  const summary = describe(decl);
  if (decl.params.length === 0) return [`${bodyIndent}"""${summary}"""`];
  return [`${bodyIndent}"""${summary}`, '', `${bodyIndent}Args:`, ...decl.params.map((p) => `${bodyIndent}    ${p}: ${paramPhrase(p)}`), `${bodyIndent}"""`];
}

/** docs: a doc comment for every declaration that lacks one (a docstring in Python). */
export function addDocs(code: string, language: string): string {
  const family = languageFamily(language);
  const { lines, trailingNewline } = splitLines(code);
  const declarations = findDeclarations(code, family);
  if (declarations.length === 0) {
    const summary = `Documentation: ${lines.length} line${lines.length === 1 ? '' : 's'} of ${language}.`;
    const comment = family === 'python' || family === 'ruby' || family === 'shell' ? `# ${summary}` : `/** ${summary} */`;
    return joinLines([comment, ...lines], trailingNewline);
  }
  const out = [...lines];
  // Insert from the bottom so earlier line numbers stay valid.
  for (let d = declarations.length - 1; d >= 0; d--) {
    const decl = declarations[d] as Declaration;
    const end = declarations[d + 1]?.line ?? lines.length;
    const returns = lines.slice(decl.line, end).some((l) => /\breturn\s+\S/.test(l));
    if (family === 'python') {
      const next = lines[decl.line + 1] ?? '';
      if (/^\s*("""|''')/.test(next)) continue;
      const bodyIndent = /^\s*/.exec(next)?.[0] || `${decl.indent}    `;
      out.splice(decl.line + 1, 0, ...pythonDocstring(decl, bodyIndent));
    } else if (!hasDocAbove(lines, decl.line)) {
      out.splice(decl.line, 0, ...docLines(decl, family, returns));
    }
  }
  return joinLines(out, trailingNewline);
}

function moduleName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? 'module';
  return base.replace(/\.[^.]+$/, '') || 'module';
}

/** tests: a small test file exercising the selection's functions. */
export function writeTests(sel: Selection): string {
  const family = languageFamily(sel.language);
  const functions = findDeclarations(sel.code, family).filter((d) => d.kind !== 'method').map((d) => d);
  const names = [...new Set(functions.map((d) => d.name))];
  const mod = moduleName(sel.file);
  if (family === 'python') {
    const header = names.length ? `from ${mod} import ${names.join(', ')}` : `import ${mod}`;
    const cases = names.length
      ? names.flatMap((name) => ['', '', `def test_${joinWords(identifierWords(name), 'snake')}_is_defined():`, `    assert callable(${name})`])
      : ['', '', `def test_${mod}_imports():`, `    assert ${mod} is not None`];
    return [header, ...cases, ''].join('\n');
  }
  if (family === 'go') {
    const cases = names.length
      ? names.flatMap((name) => ['', `func Test${joinWords(identifierWords(name), 'pascal')}(t *testing.T) {`, `\tif ${name} == nil {`, `\t\tt.Fatal("${name} is not defined")`, '\t}', '}'])
      : ['', 'func TestPackage(t *testing.T) {}'];
    return ['package main', '', 'import "testing"', ...cases, ''].join('\n');
  }
  const imports = names.length ? `import { ${names.join(', ')} } from './${mod}';` : `import * as subject from './${mod}';`;
  const cases = names.length
    ? names.flatMap((name) => {
        const decl = functions.find((f) => f.name === name);
        const body = [`  assert.equal(typeof ${name}, 'function');`];
        if (decl?.kind === 'function') body.push(`  assert.equal(${name}.length, ${decl.params.length});`);
        return ['', `test('${name} is exported and callable', () => {`, ...body, '});'];
      })
    : ['', `test('${mod} loads', () => {`, '  assert.ok(subject);', '});'];
  return ["import { test } from 'node:test';", "import assert from 'node:assert/strict';", imports, ...cases, ''].join('\n');
}

function varToLetConst(code: string): string {
  return code.replace(/\bvar\s+([A-Za-z_$][\w$]*)/g, (whole, name: string) => {
    const reassigned = new RegExp(`(?<![\\w$.])${escapedName(name)}\\s*(?:[-+*/%&|^]?=(?!=)|\\+\\+|--)`, 'g');
    const count = [...code.matchAll(reassigned)].length;
    // The declaration itself is one assignment; any other means the binding changes.
    return `${count > 1 ? 'let' : 'const'} ${name}`;
  });
}

function callbacksToArrows(code: string): string {
  if (/\bthis\b|\barguments\b/.test(code)) return code;
  return code.replace(/([(,]\s*)function\s*\(([^)]*)\)\s*\{/g, '$1($2) => {');
}

function concatToTemplate(code: string): string {
  return code.replace(/(['"])([^'"`\\$\n]*)\1\s*\+\s*([A-Za-z_$][\w$.]*)(?:\s*\+\s*(['"])([^'"`\\$\n]*)\4)?/g,
    (_whole, _q, before: string, expr: string, _q2, after: string | undefined) => `\`${before}\${${expr}}${after ?? ''}\``);
}

function extractMagicNumber(code: string, family: Family): string {
  const match = /(?<![\w.$[])(\d{2,})(?![\w.\]])/.exec(code.split('\n').filter((l) => !/^\s*(?:const|final|static)\b/.test(l)).join('\n'));
  if (!match?.[1]) return code;
  const value = match[1];
  const name = `LIMIT_${value}`;
  const replaced = code.replace(new RegExp(`(?<![\\w.$[])${value}(?![\\w.\\]])`, 'g'), name);
  const declaration = family === 'python' ? `${name} = ${value}` : family === 'go' ? `const ${name} = ${value}` : family === 'rust' ? `const ${name}: i64 = ${value};` : `const ${name} = ${value};`;
  return `${declaration}\n\n${replaced}`;
}

function pythonIdioms(code: string): string {
  return code
    .replace(/\s==\s*None\b/g, ' is None')
    .replace(/\s!=\s*None\b/g, ' is not None')
    .replace(/\blen\(([\w.]+)\)\s*==\s*0\b/g, 'not $1');
}

/** refactor: modern idioms first (let/const, arrows, template strings); a named constant otherwise. */
export function refactor(code: string, language: string, request = ''): string {
  const family = languageFamily(language);
  let next = code;
  if (family === 'js' && /\breduce\b/i.test(request)) next = loopToReduce(code);
  if (family === 'js' && next === code) next = concatToTemplate(callbacksToArrows(varToLetConst(code)));
  else if (family === 'python') next = pythonIdioms(code);
  if (next === code) next = extractMagicNumber(code, family);
  return next === code ? tidy(code, language) : next;
}

/**
 * An accumulator loop (`let t = 0` then `for (const i of items) { t += …; }` then `return t`)
 * as one `reduce`, the refactor "use reduce instead of the loop" asks for.
 */
function loopToReduce(code: string): string {
  const loop = /^([ \t]*)let\s+([A-Za-z_$][\w$]*)\s*=\s*([^;\n]+?);?[ \t]*\n[ \t]*for\s*\(\s*(?:const|let)\s+([A-Za-z_$][\w$]*)\s+of\s+([^)]+?)\s*\)\s*\{?\s*\2\s*\+=\s*([^;\n}]+?)\s*;?\s*\}?[ \t]*\n[ \t]*return\s+\2[ \t]*;?/m;
  return code.replace(loop, (_w, indent: string, _acc: string, init: string, item: string, items: string, added: string) =>
    `${indent}return ${items}.reduce((sum, ${item}) => sum + ${added}, ${init});`);
}

/** fix: the mechanical corrections a reviewer would ask for. */
export function fix(code: string, language: string): string {
  const family = languageFamily(language);
  let next = code;
  if (family === 'js') {
    next = next
      .replace(/([^=!<>])==(?!=)/g, '$1===')
      .replace(/!=(?!=)/g, '!==')
      .replace(/catch\s*(?:\(\s*([A-Za-z_$][\w$]*)\s*\))?\s*\{\s*\}/g, (_w, name: string | undefined) => `catch (${name ?? 'err'}) {\n  console.error(${name ?? 'err'});\n}`)
      .replace(/\beval\s*\(/g, 'JSON.parse(')
      // A value quoted into SQL becomes a bound parameter.
      .replace(/\(\s*(["'`])((?:SELECT|INSERT|UPDATE|DELETE)\b[^"'`]*?)'\1\s*\+\s*([A-Za-z_$][\w$.]*)\s*\+\s*\1'\1\s*\)/gi, (_w, q: string, sql: string, value: string) => `(${q}${sql}$1${q}, [${value}])`)
      .replace(/\.innerHTML\s*=/g, '.textContent =');
  } else if (family === 'python') {
    next = pythonIdioms(next).replace(/except\s*:/g, 'except Exception:');
  }
  return next === code ? tidy(code, language) : next;
}

function defaultReturn(signature: string, family: Family): string | undefined {
  if (family === 'python') return 'return None';
  if (family === 'go' || family === 'rust') return undefined;
  if (/:\s*number\b/.test(signature)) return 'return 0;';
  if (/:\s*string\b/.test(signature)) return "return '';";
  if (/:\s*boolean\b/.test(signature)) return 'return false;';
  if (/:\s*[\w<>]+\[\]|:\s*Array</.test(signature)) return 'return [];';
  return undefined;
}

/** implement: placeholders (TODO, not-implemented throws, `pass`) become a minimal body. */
export function implement(code: string, language: string, request: string): string {
  const family = languageFamily(language);
  const { lines, trailingNewline } = splitLines(code);
  let signature = '';
  let changed = false;
  const out: string[] = [];
  for (const line of lines) {
    if (/\bfunction\b|=>|\bdef\b|\bfn\b|\bfunc\b|\)\s*(?::[^{]+)?\{\s*$/.test(line)) signature = line;
    const placeholder = /^\s*(?:\/\/\s*TODO\b.*|#\s*TODO\b.*|throw new Error\(\s*['"`]not implemented['"`]\s*\);?|pass|raise NotImplementedError(?:\(.*\))?|unimplemented!\(.*\);?|todo!\(.*\);?|panic\("not implemented"\))\s*$/i.test(line);
    if (!placeholder) {
      out.push(line);
      continue;
    }
    changed = true;
    const indent = /^\s*/.exec(line)?.[0] ?? '';
    const comment = family === 'python' ? '#' : '//';
    out.push(`${indent}${comment} Implemented: ${request || 'as described by the signature'}`.trimEnd());
    const ret = defaultReturn(signature, family);
    if (ret) out.push(`${indent}${ret}`);
  }
  if (changed) return joinLines(out, trailingNewline);
  return `${code.replace(/\n*$/, '')}\n\n${boilerplateFor(request, family, language)}${trailingNewline ? '\n' : ''}`;
}

function nameFromRequest(request: string): string[] {
  const stop = new Set(['a', 'an', 'the', 'for', 'to', 'of', 'and', 'with', 'add', 'create', 'make', 'write', 'generate', 'new', 'please', 'some', 'this', 'that', 'in', 'on', 'me', 'boilerplate', 'scaffold', 'implement']);
  const words = request.toLowerCase().match(/[a-z][a-z0-9]*/g)?.filter((w) => !stop.has(w)).slice(0, 2) ?? [];
  return words.length ? words : ['generated', 'item'];
}

function boilerplateFor(request: string, family: Family, language: string): string {
  const words = nameFromRequest(request);
  const type = joinWords(words, 'pascal');
  const fn = joinWords(['create', ...words], 'camel');
  switch (family) {
    case 'python':
      return [`@dataclass`, `class ${type}:`, `    name: str`, ``, ``, `def ${joinWords(['create', ...words], 'snake')}(name: str) -> ${type}:`, `    return ${type}(name=name)`].join('\n');
    case 'go':
      return [`type ${type} struct {`, `\tName string`, `}`, ``, `func New${type}(name string) *${type} {`, `\treturn &${type}{Name: name}`, `}`].join('\n');
    case 'rust':
      return [`pub struct ${type} {`, `    pub name: String,`, `}`, ``, `impl ${type} {`, `    pub fn new(name: impl Into<String>) -> Self {`, `        Self { name: name.into() }`, `    }`, `}`].join('\n');
    case 'js':
      if (!/typescript/i.test(language) && language !== 'ts' && language !== 'tsx') {
        return [`/**`, ` * @typedef {object} ${type}`, ` * @property {string} name`, ` */`, ``, `/**`, ` * Creates a ${words.join(' ')}.`, ` * @param {string} name`, ` * @returns {${type}}`, ` */`, `export function ${fn}(name) {`, `  return { name };`, `}`].join('\n');
      }
      return [`export interface ${type} {`, `  readonly name: string;`, `}`, ``, `export function ${fn}(name: string): ${type} {`, `  return { name };`, `}`].join('\n');
    default:
      return [`// ${type}: scaffold for "${request.trim() || 'the requested item'}"`, `// name: the ${words.join(' ')}'s name`].join('\n');
  }
}

/** boilerplate: the selection followed by a skeleton named after the request. */
export function boilerplate(code: string, language: string, request: string): string {
  const family = languageFamily(language);
  const skeleton = boilerplateFor(request, family, language);
  return code.trim() ? `${code.replace(/\n*$/, '')}\n\n${skeleton}\n` : `${skeleton}\n`;
}

const ABBREVIATIONS: Record<string, string[]> = {
  tmp: ['temporary'], temp: ['temporary'], cnt: ['count'], idx: ['index'], res: ['response', 'result'], req: ['request'],
  cfg: ['config'], conf: ['config'], btn: ['button'], msg: ['message'], err: ['error'], val: ['value'], arr: ['items'],
  str: ['text'], num: ['count'], q: ['query'], qs: ['query', 'string'], resp: ['response'], p: ['point'], k: ['key'], v: ['value'], usr: ['user'], e: ['event', 'error'], i: ['index'], j: ['inner', 'index'], x: ['value'],
  n: ['count'], cb: ['callback'], fn: ['handler'], obj: ['record'], el: ['element'], ctx: ['context'], db: ['database'],
  data: ['payload'], info: ['details'], mgr: ['manager'], svc: ['service'], util: ['helper'], len: ['length'], buf: ['buffer'],
};

/** `name` as it stands in a RegExp source (identifiers may hold `$`). */
function escapedName(name: string): string {
  return name.replace(/\$/g, '\\$');
}

/** A declaration and its initialiser (`const x = …`, `x := …`): of `name`, or else the first in the code. */
function declarationOf(code: string, name?: string): { name: string; rhs: string } | undefined {
  const declared = name ? `(${escapedName(name)})` : '([A-Za-z_$][\\w$]*)';
  const assigned = name ? `(${escapedName(name)})` : '([A-Za-z_][\\w]*)';
  const decl = new RegExp(`(?:const|let|var|val|auto)\\s+${declared}\\s*(?::[^=]+)?=\\s*([^;\\n]+)`).exec(code)
    ?? new RegExp(`^\\s*${assigned}\\s*:?=\\s*([^\\n]+)`, 'm').exec(code);
  return decl?.[1] ? { name: decl[1], rhs: decl[2] ?? '' } : undefined;
}

function targetIdentifier(sel: Selection): { name: string; rhs: string } {
  const code = sel.code.trim();
  const quoted = /`([A-Za-z_$][\w$]*)`/.exec(sel.request)?.[1];
  if (/^[A-Za-z_$][\w$]*$/.test(code)) return { name: quoted ?? code, rhs: '' };
  // The symbol the request names, with its own initialiser when the code declares it.
  if (quoted) return { name: quoted, rhs: declarationOf(code, quoted)?.rhs ?? '' };
  const decl = declarationOf(code);
  if (decl) return decl;
  const fn = findDeclarations(code, languageFamily(sel.language))[0];
  if (fn) return { name: fn.name, rhs: '' };
  return { name: /[A-Za-z_$][\w$]*/.exec(code)?.[0] ?? 'value', rhs: '' };
}

function wordsFromExpression(rhs: string): { words: string[]; why: string }[] {
  const out: { words: string[]; why: string }[] = [];
  const call = /([A-Za-z_$][\w$]*)\s*\.\s*(filter|map|find|reduce|sort|slice|some|every|length|keys|values)\b/.exec(rhs);
  if (call?.[1] && call[2]) {
    const subject = identifierWords(call[1]);
    const singular = subject.map((w, i) => (i === subject.length - 1 ? w.replace(/s$/, '') : w));
    const byMethod: Record<string, { words: string[]; why: string }> = {
      filter: { words: ['filtered', ...subject], why: `It holds the subset of \`${call[1]}\` that passed the filter.` },
      map: { words: [...singular, 'values'], why: `It holds one derived value per element of \`${call[1]}\`.` },
      find: { words: ['matching', ...singular], why: `It holds the one element of \`${call[1]}\` that matched.` },
      reduce: { words: [...singular, 'total'], why: `It accumulates \`${call[1]}\` into a single value.` },
      sort: { words: ['sorted', ...subject], why: `It is \`${call[1]}\` in order.` },
      slice: { words: ['first', ...subject], why: `It is a slice of \`${call[1]}\`.` },
      some: { words: ['has', ...singular], why: 'It is a boolean: whether any element matched.' },
      every: { words: ['all', ...subject, 'valid'], why: 'It is a boolean: whether every element matched.' },
      length: { words: [...singular, 'count'], why: `It counts \`${call[1]}\`.` },
      keys: { words: [...singular, 'keys'], why: `It lists the keys of \`${call[1]}\`.` },
      values: { words: [...singular, 'values'], why: `It lists the values of \`${call[1]}\`.` },
    };
    const hit = byMethod[call[2]];
    if (hit) out.push(hit);
  }
  const sql = /^\s*['"`]\s*(?:SELECT|INSERT|UPDATE|DELETE)\b[^'"`]*?\b(?:FROM|INTO|UPDATE)\s+(\w+)/i.exec(rhs);
  if (sql?.[1]) out.push({ words: [...identifierWords(sql[1]).map((w) => w.replace(/s$/, '')), 'query'], why: `It holds the SQL that reads \`${sql[1]}\`.` });
  const rowsRead = /\.query\s*\(\s*['"`]\s*SELECT\b[^'"`]*?\bFROM\s+(\w+)/i.exec(rhs);
  if (rowsRead?.[1]) out.push({ words: [...identifierWords(rowsRead[1]).map((w) => w.replace(/s$/, '')), 'rows'], why: `It holds the rows read from \`${rowsRead[1]}\`.` });
  if (/\bfetch\s*\(|\baxios\.|\bhttp\.get\(/.test(rhs)) out.push({ words: ['response'], why: 'It holds the HTTP response.' });
  if (/JSON\.parse\(|json\.loads\(/.test(rhs)) out.push({ words: ['parsed', 'payload'], why: 'It holds the decoded JSON.' });
  const created = /\bnew\s+([A-Z][\w$]*)/.exec(rhs);
  if (created?.[1]) out.push({ words: identifierWords(created[1]), why: `It is the \`${created[1]}\` instance.` });
  if (/===|!==|[<>]=?|\b(?:true|false)\b|^\s*!/.test(rhs)) out.push({ words: ['is', 'valid'], why: 'It is a boolean, so an `is…` name reads as a question.' });
  return out;
}

/** rename: three better names, best first, in the language's casing. */
export function renameSuggestions(sel: Selection): RenameAnswer {
  const family = languageFamily(sel.language);
  const { name, rhs } = targetIdentifier(sel);
  const original = identifierWords(name);
  const style = /^[A-Z0-9_]+$/.test(name) && name.length > 1 ? 'screaming'
    : /^[A-Z]/.test(name) ? 'pascal'
      : family === 'python' || family === 'rust' || family === 'ruby' || name.includes('_') ? 'snake' : 'camel';
  const ideas: { words: string[]; why: string }[] = [...wordsFromExpression(rhs)];
  // An accumulator (`t += …` in a loop) says what it adds up.
  if (new RegExp(`(?:^|[^\\w$])${escapedName(name)}\\s*\\+=`).test(sel.code)) {
    ideas.push({ words: ['running', 'total'], why: 'It adds up a value on each pass of the loop.' }, { words: ['sum'], why: 'A short name for an accumulated sum.' });
  }
  const expanded = original.map((w) => ABBREVIATIONS[w]?.[0] ?? w);
  if (expanded.join() !== original.join()) ideas.push({ words: expanded, why: `Spells out the abbreviation in \`${name}\`.` });
  for (const word of original) {
    for (const alt of ABBREVIATIONS[word] ?? []) ideas.push({ words: original.map((w) => (w === word ? alt : w)), why: `\`${word}\` reads as \`${alt}\` here.` });
  }
  ideas.push({ words: ['current', ...expanded], why: 'Says it is the value in use at this point.' });
  ideas.push({ words: ['resolved', ...expanded], why: 'Says the value has been worked out, not raw input.' });
  ideas.push({ words: [...expanded, 'value'], why: 'A plain, unambiguous fallback.' });
  const names: RenameAnswer['names'] = [];
  const seen = new Set([name]);
  for (const idea of ideas) {
    const candidate = joinWords(idea.words, style);
    if (!/^[A-Za-z_$][\w$]*$/.test(candidate) || seen.has(candidate)) continue;
    seen.add(candidate);
    names.push({ name: candidate, why: idea.why });
    if (names.length === 3) break;
  }
  return { names };
}
