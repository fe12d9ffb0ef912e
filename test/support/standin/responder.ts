import { taskOfSystem, type PromptTask } from '../../../src/core/protocol';
import { addDocs, boilerplate, describe, fix, implement, refactor, renameSuggestions, tidy, writeTests } from './codeEdits';
import { difficulty, judge, reviewFindings } from './findings';
import { blocksText } from './script';
import type { Reply, ReplyContext } from './script';
import { findDeclarations, languageFamily, parseSelection, type Selection } from './selection';

/**
 * The reply when nothing is scripted: a deterministic, plausible answer for each Ladder
 * task, keyed on the `Ladder task: <task>` header that opens the last system block that
 * has one (the instructions come after the workspace context, which may quote it), so the
 * offline demo behaves like a model that follows src/core/protocol.ts. Requests without
 * the header get a short generic answer.
 */

function fenced(code: string, language: string): string {
  const fence = code.includes('```') ? '````' : '```';
  return `${fence}${language}\n${code.replace(/\n$/, '')}\n${fence}`;
}

function editReply(lead: string, code: string, language: string, trailer?: string): Reply {
  return { text: [lead, '', fenced(code, language), ...(trailer ? ['', trailer] : [])].join('\n') };
}

function explainText(sel: Selection, asked: boolean): string {
  const lines = sel.code ? sel.code.split('\n').length : 0;
  const family = languageFamily(sel.language);
  const declarations = findDeclarations(sel.code, family);
  const names = declarations.map((d) => `\`${d.name}\``);
  const paragraphs: string[] = [];
  if (!sel.hasCode) {
    paragraphs.push(sel.request
      ? `You asked: “${sel.request}”. No code is selected, so this answer goes by the workspace outline only.`
      : 'No code is selected in this request.');
    paragraphs.push('Select the code you mean and ask again: then I can point at specific lines, explain what they do and suggest changes.');
    return paragraphs.join('\n\n');
  }
  paragraphs.push(`The selection from \`${sel.file}\` (lines ${sel.startLine}–${sel.endLine}, ${lines} line${lines === 1 ? '' : 's'} of ${sel.language}) ${names.length ? `defines ${names.join(', ')}.` : 'is a fragment without its own declarations.'}`);
  const traits: string[] = [];
  if (/\basync\b|\bawait\b|\.then\(/.test(sel.code)) traits.push('it works asynchronously, so callers get a promise (or must await it)');
  if (/\bfor\b|\bwhile\b|\.forEach\(|\.map\(/.test(sel.code)) traits.push('it iterates over a collection');
  if (/\btry\b|\bcatch\b|\bexcept\b/.test(sel.code)) traits.push('it guards part of its work with error handling');
  if (/\bimport\b|\brequire\(/.test(sel.code)) traits.push('it pulls in other modules');
  if (/\bclass\b/.test(sel.code)) traits.push('it groups state and behaviour in a class');
  const described = declarations.slice(0, 3).map((d) => `\`${d.name}\`: ${describe(d)}`);
  paragraphs.push([
    traits.length ? `In outline, ${traits.join('; ')}.` : 'It is straight-line code with no loops or error handling.',
    ...described,
  ].join(' '));
  const concerns = reviewFindings(sel, 'review').findings.filter((f) => f.confidence >= 0.5).slice(0, 2);
  if (concerns.length) paragraphs.push(`Worth knowing: ${concerns.map((f) => `line ${f.startLine}: ${f.message}`).join(' Also, ')}`);
  if (asked && sel.request) paragraphs.push(`On your question (“${sel.request}”): the answer follows from the structure above; the parts that matter most are ${names[0] ?? 'the first few lines'} and how its result is used by the caller.`);
  return paragraphs.join('\n\n');
}

/** The answer object for a JSON task, or undefined for tasks answered in text. */
function jsonAnswer(task: PromptTask, sel: Selection, lastUser: string): unknown {
  switch (task) {
    case 'rename': return renameSuggestions(sel);
    case 'review':
    case 'securityReview':
    case 'architecture': return reviewFindings(sel, task);
    case 'reviewJudge': return judge(lastUser);
    case 'difficulty': return difficulty(lastUser);
    default: return undefined;
  }
}

function textAnswer(task: PromptTask, sel: Selection): Reply {
  const { code, language, request } = sel;
  switch (task) {
    case 'format': return editReply('Tidied: trailing whitespace removed, indentation made consistent.', tidy(code, language), language);
    case 'docs': return editReply('Added documentation comments.', addDocs(code, language), language);
    case 'tests': return editReply(`Tests for \`${sel.file}\`:`, writeTests(sel), language);
    case 'refactor': return editReply('Refactored without changing behaviour:', refactor(code, language, request), language);
    case 'fix': return editReply('Fixed:', fix(code, language), language);
    case 'implement': return editReply('Implementation:', implement(code, language, request), language);
    case 'boilerplate': return editReply('Here is the scaffolding:', boilerplate(code, language, request), language);
    case 'ask': return { text: explainText(sel, true) };
    default: return { text: explainText(sel, false) };
  }
}

/**
 * The material a request is about: its own code, or in a follow-up (a conversation whose
 * last question comes without code) the code the conversation's first message carried.
 */
function materialOf(context: ReplyContext): Selection {
  const own = parseSelection(context.lastUser);
  if (own.hasCode) return own;
  const first = context.request.messages.find((m) => m.role === 'user');
  const earlier = first ? parseSelection(blocksText(first.content)) : undefined;
  return earlier?.hasCode ? { ...earlier, request: own.request } : own;
}

/** The default responder. */
export function defaultReply(context: ReplyContext): Reply {
  const task = taskOfSystem(context.request.system.map((block) => String(block.raw.text)));
  const sel = materialOf(context);
  const answer = task ? jsonAnswer(task, sel, context.lastUser) : undefined;
  const choice = context.request.toolChoice;
  // A forced tool call gets the answer as the tool's input, as structured output would.
  if (choice && (choice.type === 'tool' || choice.type === 'any')) {
    const name = choice.type === 'tool' ? String(choice.name) : context.request.tools[0]?.name ?? 'answer';
    const input = answer && typeof answer === 'object' ? (answer as Record<string, unknown>) : { text: task ? textAnswer(task, sel).text : context.lastUser };
    return { toolUse: { name, input } };
  }
  // Compact JSON keeps the answer well inside the max_tokens a caller sets for structured steps.
  if (answer !== undefined) return { text: JSON.stringify(answer) };
  if (task) return textAnswer(task, sel);
  const said = context.lastUser.trim().split(/\s+/).slice(0, 12).join(' ');
  return { text: `This is the local Anthropic API stand-in answering ${context.model}. You said: “${said}${context.lastUser.trim().split(/\s+/).length > 12 ? '…' : ''}”.` };
}
