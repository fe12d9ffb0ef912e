import type { CacheMissReason, Diagnostics } from '@anthropic-ai/sdk/resources/messages';
import type { PromptFingerprint } from './render';

/**
 * Cache diagnostics (`diagnostics.previous_message_id`): the stand-in remembers each
 * response's prompt fingerprint and, when a later request names it, says which part of the
 * prompt changed, in the order the API checks (model/speed, tools, system, messages, then
 * "unavailable" for other prompt settings such as tool_choice or thinking).
 */

interface Remembered {
  readonly fingerprint: PromptFingerprint;
  /** Prompt tokens the earlier request had in cache (read + written). */
  readonly cachedTokens: number;
}

const MAX_REMEMBERED = 2000;

export class CacheDiagnostics {
  private readonly seen = new Map<string, Remembered>();

  remember(messageId: string, fingerprint: PromptFingerprint, cachedTokens: number): void {
    this.seen.set(messageId, { fingerprint, cachedTokens });
    if (this.seen.size > MAX_REMEMBERED) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }

  /** The `diagnostics` field for a response; null when the request did not ask. */
  diagnose(previousMessageId: string | null | undefined, current: PromptFingerprint, cacheRead: number): Diagnostics | null {
    if (previousMessageId === undefined) return null;
    if (previousMessageId === null) return { cache_miss_reason: null };
    const previous = this.seen.get(previousMessageId);
    if (!previous) return { cache_miss_reason: { type: 'previous_message_not_found' } };
    const prev = previous.fingerprint;
    // Nothing was lost when this request read at least what the earlier one had cached.
    const missed = Math.max(0, previous.cachedTokens - cacheRead);
    let reason: CacheMissReason | null = null;
    if (prev.modelId !== current.modelId || prev.speed !== current.speed) reason = { type: 'model_changed', cache_missed_input_tokens: missed };
    else if (prev.tools !== current.tools) reason = { type: 'tools_changed', cache_missed_input_tokens: missed };
    else if (prev.system !== current.system) reason = { type: 'system_changed', cache_missed_input_tokens: missed };
    else if (prev.messages.some((hash, i) => current.messages[i] !== hash)) reason = { type: 'messages_changed', cache_missed_input_tokens: missed };
    else if (prev.settings !== current.settings) reason = { type: 'unavailable' };
    return { cache_miss_reason: reason };
  }

  clear(): void {
    this.seen.clear();
  }
}
