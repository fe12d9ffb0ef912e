/**
 * Reads the material out of the last user message, laid out as src/core/protocol.ts
 * describes: `File:`, `Lines: a-b`, `Language:`, a fenced code block, `Request:`. Every
 * part is optional so free-form messages still get an answer.
 */
export interface Selection {
  readonly file: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly language: string;
  readonly code: string;
  /** Whether the message had a fenced block at all. */
  readonly hasCode: boolean;
  readonly request: string;
}

const FENCE = /^(`{3,}|~{3,})([^\n`]*)\n([\s\S]*?)\n?^\1[ \t]*$/m;

const EXTENSION_LANGUAGE: Record<string, string> = {
  ts: 'typescript', tsx: 'typescriptreact', js: 'javascript', jsx: 'javascriptreact', mjs: 'javascript', cjs: 'javascript',
  py: 'python', go: 'go', rs: 'rust', java: 'java', cs: 'csharp', rb: 'ruby', php: 'php', c: 'c', h: 'c', cpp: 'cpp',
  sh: 'shellscript', sql: 'sql', kt: 'kotlin', swift: 'swift', lua: 'lua', css: 'css', html: 'html', json: 'json', yaml: 'yaml', yml: 'yaml',
};

/** Parses a Ladder user message. */
export function parseSelection(text: string): Selection {
  const file = /^File:[ \t]*(.+?)[ \t]*$/m.exec(text)?.[1] ?? 'selection';
  const lines = /^Lines:[ \t]*(\d+)(?:[ \t]*[-–][ \t]*(\d+))?/m.exec(text);
  const fence = FENCE.exec(text);
  const code = fence?.[3] ?? '';
  const startLine = Math.max(1, Number(lines?.[1] ?? 1));
  const codeLines = code.split('\n').length;
  const endLine = lines?.[2] ? Math.max(startLine, Number(lines[2])) : startLine + codeLines - 1;
  const extension = /\.([A-Za-z0-9]+)$/.exec(file)?.[1]?.toLowerCase();
  const language = /^Language:[ \t]*(\S+)/m.exec(text)?.[1]
    ?? (fence?.[2]?.trim() || undefined)
    ?? (extension ? EXTENSION_LANGUAGE[extension] : undefined)
    ?? 'plaintext';
  const afterCode = fence ? text.slice((fence.index ?? 0) + fence[0].length) : text;
  const request = /^Request:[ \t]*([\s\S]*)$/m.exec(afterCode)?.[1]?.trim()
    ?? /^Request:[ \t]*([\s\S]*?)(?=^File:|^```|$(?![\s\S]))/m.exec(text)?.[1]?.trim()
    ?? (fence ? '' : text.trim());
  return { file, startLine, endLine, language, code, hasCode: fence !== null, request };
}

/** Language families the responder treats alike. */
export type Family = 'js' | 'python' | 'go' | 'rust' | 'cLike' | 'ruby' | 'shell' | 'other';

export function languageFamily(language: string): Family {
  const id = language.toLowerCase();
  if (/^(typescript|javascript|typescriptreact|javascriptreact|ts|js|tsx|jsx)$/.test(id)) return 'js';
  if (id === 'python' || id === 'py') return 'python';
  if (id === 'go') return 'go';
  if (id === 'rust' || id === 'rs') return 'rust';
  if (/^(java|csharp|c|cpp|kotlin|swift|php|scala|dart)$/.test(id)) return 'cLike';
  if (id === 'ruby') return 'ruby';
  if (/^(shellscript|bash|sh|zsh)$/.test(id)) return 'shell';
  return 'other';
}

/** A function, method or class declared in the selection (0-based line within the code). */
export interface Declaration {
  readonly kind: 'function' | 'class' | 'method';
  readonly name: string;
  readonly params: readonly string[];
  readonly line: number;
  readonly indent: string;
}

const KEYWORDS = new Set(['if', 'for', 'while', 'switch', 'catch', 'return', 'function', 'else', 'do', 'with', 'new', 'typeof', 'await', 'constructor']);

function splitParams(text: string | undefined): string[] {
  if (!text) return [];
  return text.split(',')
    .map((p) => p.trim().replace(/^(?:readonly|public|private|protected|\.\.\.|\*+|&)\s*/, '').replace(/^(mut\s+)/, ''))
    .map((p) => /^[A-Za-z_$][\w$]*/.exec(p)?.[0] ?? '')
    .filter((p) => p && p !== 'self' && p !== 'cls' && p !== 'this');
}

/** Finds declarations line by line with per-family patterns (good enough for a demo answer). */
export function findDeclarations(code: string, family: Family): Declaration[] {
  const out: Declaration[] = [];
  code.split('\n').forEach((text, line) => {
    const indent = /^\s*/.exec(text)?.[0] ?? '';
    let m: RegExpExecArray | null;
    const add = (kind: Declaration['kind'], name: string | undefined, params?: string): void => {
      if (name && !KEYWORDS.has(name)) out.push({ kind, name, params: splitParams(params), line, indent });
    };
    switch (family) {
      case 'js':
        if ((m = /^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\s*\(([^)]*)\)?/.exec(text))) add('function', m[1], m[2]);
        else if ((m = /^\s*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(?:async\s+)?(?:\(([^)]*)\)|([A-Za-z_$][\w$]*))\s*(?::[^=]+)?=>/.exec(text))) add('function', m[1], m[2] ?? m[3]);
        else if ((m = /^\s*(?:export\s+)?(?:default\s+)?(?:abstract\s+)?class\s+([A-Za-z_$][\w$]*)/.exec(text))) add('class', m[1]);
        else if ((m = /^\s+(?:(?:public|private|protected|static|async|override|readonly|get|set)\s+)*([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\s*\(([^)]*)\)\s*(?::\s*[^{;]+)?\{\s*$/.exec(text))) add('method', m[1], m[2]);
        break;
      case 'python':
        if ((m = /^\s*(?:async\s+)?def\s+(\w+)\s*\(([^)]*)\)?/.exec(text))) add(indent ? 'method' : 'function', m[1], m[2]);
        else if ((m = /^\s*class\s+(\w+)/.exec(text))) add('class', m[1]);
        break;
      case 'go':
        if ((m = /^func\s+(?:\([^)]*\)\s*)?(\w+)\s*(?:\[[^\]]*\])?\(([^)]*)\)/.exec(text))) add('function', m[1], m[2]);
        else if ((m = /^type\s+(\w+)\s+struct\b/.exec(text))) add('class', m[1]);
        break;
      case 'rust':
        if ((m = /^\s*(?:pub(?:\([^)]*\))?\s+)?(?:async\s+)?fn\s+(\w+)\s*(?:<[^>]*>)?\s*\(([^)]*)\)?/.exec(text))) add(indent ? 'method' : 'function', m[1], m[2]);
        else if ((m = /^\s*(?:pub\s+)?(?:struct|enum|trait)\s+(\w+)/.exec(text))) add('class', m[1]);
        break;
      case 'ruby':
        if ((m = /^\s*def\s+(?:self\.)?(\w+[?!]?)\s*(?:\(([^)]*)\))?/.exec(text))) add('method', m[1], m[2]);
        else if ((m = /^\s*class\s+(\w+)/.exec(text))) add('class', m[1]);
        break;
      case 'shell':
        if ((m = /^\s*(?:function\s+)?(\w+)\s*\(\)\s*\{?/.exec(text))) add('function', m[1]);
        break;
      default:
        if ((m = /^\s*(?:(?:public|private|protected|internal|static|final|virtual|override|async|abstract|inline|fun|func|def)\s+)*(?:class|interface|struct)\s+(\w+)/.exec(text))) add('class', m[1]);
        else if ((m = /^\s*(?:(?:public|private|protected|internal|static|final|virtual|override|async|abstract|inline|export)\s+)*(?:fun\s+|func\s+|function\s+|[\w<>[\],.?*&]+\s+)(\w+)\s*\(([^)]*)\)\s*(?:[:\w<>?,\s]*)\{?\s*$/.exec(text))) add('function', m[1], m[2]);
    }
  });
  return out;
}

/** Splits an identifier into lower-case words (camelCase, PascalCase, snake_case, kebab). */
export function identifierWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_\-$]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** Joins words in a casing style. */
export function joinWords(words: readonly string[], style: 'camel' | 'pascal' | 'snake' | 'screaming'): string {
  const cap = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);
  switch (style) {
    case 'snake': return words.join('_');
    case 'screaming': return words.join('_').toUpperCase();
    case 'pascal': return words.map(cap).join('');
    default: return words.map((w, i) => (i === 0 ? w : cap(w))).join('');
  }
}
