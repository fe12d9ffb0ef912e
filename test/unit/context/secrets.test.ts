import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { describeSecretMatches, findSecretLikeStrings, looksLikeRandomSecret } from '../../../src/core/context/secrets';
import type { SecretKind } from '../../../src/core/context/secrets';
import { randomish } from './helpers';

// Key-like strings are assembled at run time so this file holds none itself.
const positives: readonly [string, SecretKind, string][] = [
  ['PEM private key header', 'privateKey', `-----BEGIN RSA ${'PRIVATE'} KEY-----\n${randomish(64, 'b64', 1)}\n-----END RSA PRIVATE KEY-----`],
  ['OpenSSH private key header', 'privateKey', `-----BEGIN OPENSSH ${'PRIVATE'} KEY-----`],
  ['Anthropic key in a string', 'anthropicKey', `const key = "${'sk-ant-'}api03-${randomish(48, 'tok', 2)}";`],
  ['Anthropic admin key', 'anthropicKey', `${'sk-ant-'}admin01-${randomish(40, 'tok', 3)}`],
  ['OpenAI project key', 'openaiKey', `OPENAI=${'sk-'}proj-${randomish(40, 'tok', 4)}`],
  ['AWS access key id', 'awsAccessKey', `aws_access_key_id = ${'AKIA'}${randomish(16, 'upper', 5)}`],
  ['GitHub classic token', 'githubToken', `token: ${'ghp_'}${randomish(36, 'alnum', 6)}`],
  ['GitHub fine-grained token', 'githubToken', `${'github_pat_'}${randomish(60, 'alnum', 7)}`],
  ['GitLab token', 'gitlabToken', `${'glpat-'}${randomish(20, 'alnum', 8)}`],
  ['Slack bot token', 'slackToken', `${'xoxb-'}1234567890-${randomish(24, 'alnum', 9)}`],
  ['Slack webhook', 'slackWebhook', `https://hooks.slack.com/services/T${randomish(8, 'upper', 10)}/B${randomish(8, 'upper', 11)}/${randomish(24, 'alnum', 12)}`],
  ['Google API key', 'googleApiKey', `${'AIza'}${randomish(35, 'alnum', 13)}`],
  ['Stripe live key', 'stripeKey', `${'sk_'}live_${randomish(24, 'alnum', 14)}`],
  ['npm token', 'npmToken', `//registry.npmjs.org/:_authToken=${'npm_'}${randomish(36, 'alnum', 15)}`],
  ['generic api_key assignment', 'credentialAssignment', `api_key = "${randomish(32, 'alnum', 16)}"`],
  ['generic secret in YAML', 'credentialAssignment', `client_secret: ${randomish(40, 'alnum', 17)}`],
  ['hex token in an env-style line', 'credentialAssignment', `SERVICE_TOKEN=${randomish(40, 'hex', 18)}`],
  ['password literal in JSON', 'credentialAssignment', `{"dbPassword": "${randomish(20, 'alnum', 19)}"}`],
];

describe('findSecretLikeStrings: positives', () => {
  for (const [name, kind, text] of positives) {
    test(name, () => {
      const matches = findSecretLikeStrings(text);
      assert.ok(matches.some((m) => m.kind === kind), `expected ${kind} in ${JSON.stringify(matches)}`);
    });
  }

  test('reports the line of each match', () => {
    const text = ['line one', `key: ${'ghp_'}${randomish(36, 'alnum', 20)}`, 'line three', `${'AKIA'}${randomish(16, 'upper', 21)}`].join('\n');
    assert.deepEqual(findSecretLikeStrings(text).map((m) => [m.kind, m.line]), [['githubToken', 2], ['awsAccessKey', 4]]);
  });
});

// Ordinary code that mentions passwords, tokens and keys: none of it may be flagged.
const negatives: readonly [string, string][] = [
  ['type declaration', 'interface Credentials { username: string; password: string }'],
  ['reading a header', "const token = req.headers.authorization?.slice(7);"],
  ['environment lookup', 'const apiKey = process.env.ANTHROPIC_API_KEY;'],
  ['python environment lookup', "API_KEY = os.environ['SERVICE_API_KEY']"],
  ['token type constant', "const tokenType = 'Bearer';"],
  ['short test password', "login({ user: 'ana', password: 'hunter2' });"],
  ['placeholder in docs', 'api_key = "your-api-key-goes-here-1234"'],
  ['template placeholder', 'token: "${{ secrets.DEPLOY_TOKEN_2024 }}"'],
  ['env var name as value', 'const API_KEY_ENV = "ANTHROPIC_API_KEY";'],
  ['camelCase identifier value', 'const refreshTokenName = "refreshToken2Expired";'],
  ['kebab-case name value', 'secretName: "prod-db-password-2024"'],
  ['tokenizer name', "tokenizer = 'cl100k_base'"],
  ['URL value', 'tokenUrl: "https://auth.example.com/oauth2/v1/token"'],
  ['password hashing call', 'const passwordHash = await bcrypt.hash(password, 12);'],
  ['secret generated at runtime', "const secret = crypto.randomBytes(32).toString('hex');"],
  ['docs about the detector', 'Keys that start with sk- are refused; so are AWS keys (AKIA...).'],
  ['short sk- prefix in prose', 'use the sk-ant- prefix for Anthropic keys'],
  ['masked value', 'password: "********************"'],
];

describe('findSecretLikeStrings: negatives', () => {
  for (const [name, text] of negatives) {
    test(name, () => {
      assert.deepEqual(findSecretLikeStrings(text), []);
    });
  }
});

describe('match descriptions', () => {
  test('never contain the secret itself', () => {
    const key = `${'sk-ant-'}api03-${randomish(48, 'tok', 22)}`;
    const matches = findSecretLikeStrings(`a\nb\nconst k = '${key}';`);
    const description = describeSecretMatches(matches);
    assert.equal(description, 'an Anthropic API key (line 3)');
    assert.ok(!description.includes(key.slice(7)));
    assert.ok(!JSON.stringify(matches).includes(key.slice(7)));
  });

  test('summarise beyond the limit', () => {
    const text = [1, 2, 3, 4, 5].map((i) => `${'ghp_'}${randomish(36, 'alnum', 30 + i)}`).join('\n');
    assert.match(describeSecretMatches(findSecretLikeStrings(text), 2), /and 3 more$/);
  });
});

describe('looksLikeRandomSecret', () => {
  test('accepts random mixed values and rejects low-entropy or word-like ones', () => {
    assert.equal(looksLikeRandomSecret(randomish(24, 'alnum', 40)), true);
    assert.equal(looksLikeRandomSecret('aaaaaaaaaaaaaaaa1111'), false);
    assert.equal(looksLikeRandomSecret('abcdefghijklmnopqrstuvwxyz'), false);
    assert.equal(looksLikeRandomSecret('release-candidate-2024-11'), false);
  });
});
