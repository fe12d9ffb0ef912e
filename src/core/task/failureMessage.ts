import type { ModelCallError } from './ports';
import { UNSENDABLE_KEY } from './ports';

/** What the user can do about a failure; the vscode layer turns these into buttons. */
export type FailureAction = 'setApiKey' | 'showLogs' | 'openSettings';

export interface FailureMessage {
  text: string;
  actions: FailureAction[];
}

/**
 * One short, actionable sentence per failure the user will meet. Never includes the key,
 * the request body or the raw response.
 */
export function failureMessage(error: ModelCallError, context: { model: string; baseUrl: string; fallbackNotice?: string }): FailureMessage {
  const { status } = error.details;
  const tail = context.fallbackNotice ? ` ${context.fallbackNotice}` : '';
  // The policy's notice names the model and what it did ("X is overloaded and no fallback is
  // allowed or left…"); said after our own sentence about X, it would say X twice.
  const whole = context.fallbackNotice?.startsWith(`${context.model} `) ? context.fallbackNotice : undefined;
  switch (error.kind) {
    case 'auth':
      if (status === 401) return { text: 'The API key was rejected (401). Set a valid Anthropic API key.', actions: ['setApiKey'] };
      return { text: error.message === UNSENDABLE_KEY ? UNSENDABLE_KEY : 'No Anthropic API key is set.', actions: ['setApiKey'] };
    case 'permission':
      return { text: `This key may not use ${context.model} (403): ${error.message}`, actions: ['openSettings', 'showLogs'] };
    case 'billing':
      return { text: 'The Anthropic account has a billing problem (402); check your plan and credits.', actions: ['showLogs'] };
    case 'notFound':
      // A 404 about something else than the model is most often a base URL with a path in it.
      return error.message.includes(context.model)
        ? { text: `The API does not know the model "${context.model}" (404). Check the ladder.models settings.`, actions: ['openSettings'] }
        : { text: `The API answered 404 (${error.message}). Check ladder.api.baseUrl: it is the host alone, such as https://api.anthropic.com, without /v1.`, actions: ['openSettings', 'showLogs'] };
    case 'tooLarge':
      return { text: 'The request is too large for the API (413). Select less, or unpin large files.', actions: ['showLogs'] };
    case 'badRequest': {
      // Ladder checks the size before sending, but on its own estimate when count_tokens failed.
      // The API words it two ways: "prompt is too long: N tokens > M maximum", and with the
      // output limit, "input length and `max_tokens` exceed context limit: N + K > M".
      const tokens = (n: number) => n.toLocaleString('en-US');
      const prompt = /prompt is too long: (\d+) tokens > (\d+) maximum/.exec(error.message);
      const withAnswer = /exceed context limit: (\d+) \+ (\d+) > (\d+)/.exec(error.message);
      const over = prompt ? `This request is ${tokens(Number(prompt[1]))} tokens by the API's count, more than ${context.model}'s ${tokens(Number(prompt[2]))}-token context allows.`
        : withAnswer ? `This request and room for its answer come to ${tokens(Number(withAnswer[1]) + Number(withAnswer[2]))} tokens by the API's count, more than ${context.model}'s ${tokens(Number(withAnswer[3]))}-token context allows.`
        : undefined;
      if (over) return { text: `${over} Send less and try again.${tail}`, actions: [] };
      return { text: `The API refused the request${status ? ` (${status})` : ''}: ${error.message}`, actions: ['showLogs'] };
    }
    case 'rateLimited':
      return { text: retryIn(error, whole ?? `${context.model} is rate-limited (429) after retries.${tail}`), actions: ['showLogs'] };
    case 'overloaded':
      return { text: retryIn(error, whole ?? `${context.model} is overloaded${status ? ` (${status})` : ''} after retries.${tail}`), actions: ['showLogs'] };
    case 'server':
      return { text: retryIn(error, whole ?? `The API had a server error${status ? ` (${status})` : ''} after retries.${tail}`), actions: ['showLogs'] };
    case 'timeout':
      return error.details.silentSeconds
        ? { text: `${context.model} sent nothing for ${error.details.silentSeconds} s, so the request was abandoned.${tail}`, actions: ['showLogs', 'openSettings'] }
        : { text: `The request to ${context.model} timed out.${tail}`, actions: ['showLogs', 'openSettings'] };
    case 'streamError':
      if (error.details.silentSeconds) return { text: `The answer stream from ${context.model} went silent for ${error.details.silentSeconds} s and was abandoned; what was billed is in the ledger.${tail}`, actions: ['showLogs'] };
      // The gateway's own sentence for a reply it could not read names the host and what was wrong.
      if (error.message.includes('could not read')) return { text: `${error.message} What was billed is in the ledger.${tail}`, actions: ['showLogs', 'openSettings'] };
      return { text: `The answer stream from ${context.model} broke off; what was billed is in the ledger.${tail}`, actions: ['showLogs'] };
    case 'network':
      return { text: `Could not reach ${hostOf(context.baseUrl)}. Check your connection (or ladder.api.baseUrl).`, actions: ['showLogs', 'openSettings'] };
    case 'cancelled':
      return { text: 'Cancelled. Any tokens already billed are in the ledger.', actions: [] };
  }
}

/** The wait the API asked for, said once: "try again later" becomes "try again in 30 s" rather than being followed by "Retry in 30 s". */
function retryIn(error: ModelCallError, text: string): string {
  const seconds = error.details.retryAfterSeconds;
  if (!seconds) return text;
  const wait = seconds < 60 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
  return /try again later\.$/.test(text) ? text.replace(/try again later\.$/, `try again in ${wait}.`) : `${text} Try again in ${wait}.`;
}

function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return 'the API';
  }
}
