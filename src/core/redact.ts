/**
 * Removes anything that looks like an Anthropic key (or a bearer token) from text that is
 * about to be logged or shown. Applied at every boundary where text leaves Ladder
 * (log lines, error messages), on top of never putting the key there in the first place.
 */
const KEY_PATTERNS: readonly RegExp[] = [
  /sk-ant-[A-Za-z0-9_-]{8,}/g,
  /(authorization\s*[:=]\s*"?bearer\s+)[^\s",}]+/gi,
  /(x-api-key\s*[:=]\s*"?)[^\s",}]+/gi,
];

export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 8) out = out.split(secret).join('[redacted]');
  }
  for (const pattern of KEY_PATTERNS) {
    out = out.replace(pattern, (match, prefix?: string) => (typeof prefix === 'string' ? `${prefix}[redacted]` : '[redacted]'));
  }
  return out;
}
