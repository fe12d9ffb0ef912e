import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describeSecretMatches, findSecretLikeStrings, looksLikeRandomSecret } from '../../../src/core/context/secrets';
import type { SecretKind } from '../../../src/core/context/secrets';
import { randomish } from './helpers';

const SECRETS = path.join(__dirname, '../../../src/core/context/secrets.ts');
/** Prints findSecretLikeStrings of its standard input, as JSON. */
const SCAN_STDIN = `let text = ''; process.stdin.on('data', (c) => (text += c)).on('end', () => console.log(JSON.stringify(require(${JSON.stringify(SECRETS)}).findSecretLikeStrings(text))));`;

// Key-like strings are assembled at run time so this file holds none itself.
const positives: readonly [string, SecretKind, string][] = [
  ['PEM private key header', 'privateKey', `-----BEGIN RSA ${'PRIVATE'} KEY-----\n${randomish(64, 'b64', 1)}\n-----END RSA PRIVATE KEY-----`],
  ['OpenSSH private key header', 'privateKey', `-----BEGIN OPENSSH ${'PRIVATE'} KEY-----`],
  ['PGP private key block', 'privateKey', `-----BEGIN PGP ${'PRIVATE'} KEY BLOCK-----\n\n${randomish(64, 'b64', 74)}`],
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

// Shapes an audit found reaching prompts. Each failed before its detector was added.
const audited: readonly [string, SecretKind, string][] = [
  ['password in a pip index URL', 'urlPassword', `--extra-index-url https://deploy:${randomish(14, 'alnum', 50)}@nexus.corp.local/repository/pypi/simple`],
  ['password in a Postgres URL', 'urlPassword', `"Db": "postgres://app:${'realpass'}@db.internal:5432/app"`],
  ['password in a Redis URL without a user', 'urlPassword', `REDIS_URL=redis://:${randomish(12, 'alnum', 51)}@cache:6379/0`],
  ['Azure storage AccountKey', 'connectionString', `"Storage": "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${randomish(86, 'b64', 52)}==;EndpointSuffix=core.windows.net"`],
  ['Service Bus SharedAccessKey', 'connectionString', `Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=${randomish(43, 'b64', 53)}=`],
  ['ADO.NET Password', 'connectionString', `"Sql": "Server=db;Database=app;User Id=sa;Password=${'Tr0ub4dor&3'};"`],
  ['ODBC Pwd', 'connectionString', `Driver={ODBC Driver 18};Server=db;Uid=app; Pwd=${'k9Vq2mWz'};`],
  ['Maven settings.xml password', 'xmlPassword', `<server>\n  <id>nexus</id>\n  <username>deploy</username>\n  <password>Hx7${randomish(10, 'alnum', 54)}</password>\n</server>`],
  ['WordPress DB_PASSWORD', 'phpDefine', `define( 'DB_PASSWORD', 'w0rdpr3ss-${randomish(8, 'alnum', 55)}' );`],
  ['WordPress salt with angle brackets', 'phpDefine', `define('AUTH_KEY', '${randomish(20, 'tok', 56)}<|${randomish(20, 'tok', 57)}>');`],
  ['kubeconfig client-key-data', 'kubeconfigCredential', `users:\n- name: admin\n  user:\n    client-key-data: ${'LS0tLS1CRUdJTi'}${randomish(60, 'b64', 58)}`],
  ['kubeconfig client-certificate-data', 'kubeconfigCredential', `    client-certificate-data: ${'LS0tLS1CRUdJTi'}${randomish(60, 'b64', 59)}`],
  ['kubeconfig user token', 'kubeconfigCredential', `apiVersion: v1\nclusters: []\nusers:\n- name: ci\n  user:\n    token: ${randomish(6, 'hex', 60)}.${randomish(16, 'hex', 61)}`],
  ['Authorization: Bearer header', 'authorizationHeader', `curl -H "Authorization: Bearer ${randomish(40, 'tok', 62)}" https://api.acme.io/v1/me`],
  ['Authorization: Basic header', 'authorizationHeader', `headers: { Authorization: 'Basic ${btoa(`deploy:${randomish(12, 'alnum', 63)}`)}' }`],
  ['JWT', 'jwt', `const session = '${btoa('{"alg":"HS256"}').replace(/=+$/, '')}.${btoa(`{"sub":"u-${randomish(8, 'hex', 64)}","exp":1893456000}`).replace(/=+$/, '')}.${randomish(43, 'tok', 65)}';`],
  ['SendGrid key', 'sendgridKey', `SENDGRID=${'SG.'}${randomish(22, 'tok', 66)}.${randomish(43, 'tok', 67)}`],
  ['Twilio API key SID', 'twilioKey', `twilio.sid = "${'SK'}${randomish(32, 'hex', 68)}"`],
  ['Twilio account SID', 'twilioKey', `accountSid: '${'AC'}${randomish(32, 'hex', 69)}'`],
  ['.pgpass line', 'pgpassLine', `db.internal:5432:app:deploy:${randomish(14, 'alnum', 70)}`],
  ['yarn v1 _authToken', 'registryToken', `"//npm.acme.io/:_authToken" "${randomish(8, 'hex', 71)}-${randomish(4, 'hex', 72)}-${randomish(12, 'hex', 73)}"`],
];

describe('findSecretLikeStrings: audited shapes', () => {
  for (const [name, kind, text] of audited) {
    test(name, () => {
      const matches = findSecretLikeStrings(text);
      assert.ok(matches.some((m) => m.kind === kind), `expected ${kind} in ${JSON.stringify(matches)}`);
    });
  }
});

// What READMEs, samples and docs write in place of a secret: none of it may be flagged.
const standIns: readonly [string, string][] = [
  ['URL with the word password', 'DATABASE_URL=postgres://user:password@localhost/db'],
  ['URL with pass', 'curl https://user:pass@example.com/api'],
  ['URL whose password is the user name', 'amqp://guest:guest@localhost:5672/'],
  ['Docker sample password', 'postgresql://postgres:mysecretpassword@db:5432/postgres'],
  ['URL with an environment variable', 'postgres://app:${DB_PASSWORD}@db/app'],
  ['URL with a shell variable', 'mongodb://root:$MONGO_PASSWORD@mongo:27017'],
  ['URL with an angle-bracket placeholder', 'https://deploy:<password>@nexus.acme.io/simple'],
  ['URL built in code', 'const url = `postgres://${user}:${pass}@${host}/${db}`;'],
  ['URL with leetspeak placeholder', 'mysql://root:P4ssw0rd@localhost/app'],
  ['URL with a port, not a password', 'https://github.com:443/org/repo@main'],
  ['connection string placeholder', '"Sql": "Server=db;Database=app;User Id=sa;Password=<your-password>;"'],
  ['connection string stock password', 'Server=localhost;Database=app;User Id=sa;Password=Passw0rd!;'],
  ['Azurite development storage key', 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;'],
  ['connection string account key placeholder', 'AccountName=acme;AccountKey={AccountKey};'],
  ['code assigning a password after a semicolon', 'let a = 1; password = readPassword(); connect(a, password);'],
  ['XML placeholder', '<password>your-password</password>'],
  ['XML environment variable', '<password>${env.NEXUS_PASSWORD}</password>'],
  ['Bearer placeholder in angle brackets', 'Authorization: Bearer <token>'],
  ['Bearer YOUR_TOKEN', 'curl -H "Authorization: Bearer YOUR_TOKEN" https://api.example.com'],
  ['Bearer from a variable', 'headers: { Authorization: `Bearer ${token}` }'],
  ['Bearer concatenated', "headers['Authorization'] = 'Bearer ' + accessToken;"],
  ['Bearer with a word', 'Authorization: Bearer accessTokenFromLogin'],
  ['Basic with a placeholder pair', `Authorization: Basic ${btoa('user:password')}`],
  ['the jwt.io sample token', 'Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'],
  ['WordPress sample password', "define( 'DB_PASSWORD', 'password_here' );"],
  ['WordPress sample salt', "define( 'AUTH_KEY',         'put your unique phrase here' );"],
  ['PHP define from the environment', "define('DB_PASSWORD', getenv('DB_PASSWORD'));"],
  ['PHP define of a non-secret', "define('DB_HOST', 'db.internal');"],
  ['kubectl redacted output', 'users:\n- name: admin\n  user:\n    client-certificate-data: DATA+OMITTED\n    client-key-data: REDACTED\nclusters: []'],
  ['kubeconfig token placeholder', 'clusters: []\nusers:\n- name: ci\n  user:\n    token: <service-account-token>'],
  ['Twilio docs placeholder SID', "accountSid = 'ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX'"],
  ['.pgpass docs line', 'localhost:5432:mydb:postgres:password'],
  ['.pgpass wildcard placeholder', '*:*:*:postgres:${PGPASSWORD}'],
  ['MAC address', '00:11:22:33:44:55'],
  ['clock times', 'at 10:30:45:120:ms'],
  ['yarn token from the environment', '"//npm.acme.io/:_authToken" "${NPM_TOKEN}"'],
  ['yarn token placeholder', '_authToken "YOUR_AUTH_TOKEN"'],
  ['PGP public key block', '-----BEGIN PGP PUBLIC KEY BLOCK-----'],
];

describe('findSecretLikeStrings: stand-ins in docs and samples', () => {
  for (const [name, text] of standIns) {
    test(name, () => {
      assert.deepEqual(findSecretLikeStrings(text), []);
    });
  }
});

// A review found these shapes judged wrong by the detectors above. Each failed before its fix.
const reviewedSecrets: readonly [string, SecretKind, string][] = [
  ['WordPress SECURE_AUTH_KEY', 'phpDefine', `define('SECURE_AUTH_KEY', '${randomish(40, 'tok', 80)}');`],
  ['WordPress LOGGED_IN_KEY', 'phpDefine', `define('LOGGED_IN_KEY', '${randomish(40, 'tok', 81)}');`],
  ['WordPress NONCE_KEY', 'phpDefine', `define('NONCE_KEY', '${randomish(40, 'tok', 82)}');`],
  ['WordPress NONCE_SALT', 'phpDefine', `define('NONCE_SALT', '${randomish(40, 'tok', 83)}');`],
  ['PHP API_KEY', 'phpDefine', `define("API_KEY", "${randomish(24, 'alnum', 84)}");`],
  ['PHP STRIPE_SECRET_KEY', 'phpDefine', `define('STRIPE_SECRET_KEY', '${randomish(24, 'alnum', 85)}');`],
  ['PHP JWT_SECRET', 'phpDefine', `define('JWT_SECRET', '${randomish(20, 'alnum', 86)}');`],
  ['PHP GITHUB_TOKEN', 'phpDefine', `define('GITHUB_TOKEN', '${randomish(20, 'alnum', 87)}');`],
  ['XML password with spaces around it', 'xmlPassword', `<password> Hx7${randomish(10, 'alnum', 88)} </password>`],
  ['Npgsql string with a real password', 'connectionString', `Host=db;Database=shop;Username=shop;Password=${randomish(12, 'alnum', 89)}`],
  ['ODBC string with a braced driver', 'connectionString', `"Driver={ODBC Driver 18 for SQL Server};Server=db;Uid=app;Pwd=${randomish(12, 'alnum', 90)};"`],
];

describe('findSecretLikeStrings: reviewed secrets', () => {
  for (const [name, kind, text] of reviewedSecrets) {
    test(name, () => {
      const matches = findSecretLikeStrings(text);
      assert.ok(matches.some((m) => m.kind === kind), `expected ${kind} in ${JSON.stringify(matches)}`);
    });
  }
});

// Ordinary code and canonical documentation examples the same review saw refused.
const reviewedInnocents: readonly [string, string][] = [
  ['PHP option key', "define( 'MYPLUGIN_OPTION_KEY', 'myplugin_settings' );"],
  ['PHP BYPASS', "define('BYPASS_CACHE','false');"],
  ['PHP COMPASS', "define('COMPASS_DIR','assets/compass');"],
  ['PHP KEYWORDS', "define('KEYWORDS','php mysql');"],
  ['PHP PRIMARY_KEY', "define('PRIMARY_KEY','user_id');"],
  ['PHP TOKEN_TYPE', "define('TOKEN_TYPE','Bearer');"],
  ['PHP CSRF_TOKEN_NAME', "define('CSRF_TOKEN_NAME','csrf_token');"],
  ['PHP PASSWORD_RESET_ROUTE', "define('PASSWORD_RESET_ROUTE','/reset-password');"],
  ['Npgsql sample with the user as password', 'Host=localhost;Port=5432;Database=app;Username=postgres;Password=postgres'],
  ['.NET environment connection string with the user as password', 'ConnectionStrings__Default=Host=db;Database=shop;Username=shop;Password=shop'],
  ['minified JavaScript', 'function f(n){var r=n.user;password=n.password;return r}'],
  ['a for loop', 'for(i=0;pwd=list[i];i++)check(pwd)'],
  ['an escaped query string in an href', '<a href="/login?user=ana&amp;password=kitten42">'],
  ["Prisma's connection URL", 'DATABASE_URL="postgresql://johndoe:randompassword@localhost:5432/mydb?schema=public"'],
  ["RFC 7617's Basic example", 'Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=='],
  ['WSDL sample password type', '<password>string</password>'],
  ['WSDL sample boolean', '<Password>true</Password>'],
];

describe('findSecretLikeStrings: reviewed innocents', () => {
  for (const [name, text] of reviewedInnocents) {
    test(name, () => {
      assert.deepEqual(findSecretLikeStrings(text), []);
    });
  }
});

describe('findSecretLikeStrings: adversarial lines', () => {
  // 1 MB lines that the earlier <password> and define() patterns took minutes over (a rescan per
  // character: 64 KB took 5 s and 1 s, 128 KB 24 s and 8 s); each is now a single pass.
  const n = 1_000_000;
  const lines: readonly [string, string][] = [
    ['an unclosed <password> followed by spaces', `<password>a${' '.repeat(n)}`],
    ['a define() name of repeated KEY', `define('${'KEY'.repeat(n / 3)}`],
    ['a define() name of underscores', `define('${'_'.repeat(n)}`],
    ['key=value pairs with spaced keys and no password value', `x ${'a b=c;'.repeat(n / 6)}password=`],
    ['a value of repeated b=', ` a=${'b='.repeat(n / 2)};password=`],
    ['unclosed braces', `${' a={ b={'.repeat(n / 8)};password=`],
  ];
  for (const [name, text] of lines) {
    // Scanned in a child process: a timeout cannot end a synchronous scan that runs away, only a test that waits.
    test(name, { timeout: 30_000 }, async (t) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '-e', SCAN_STDIN], { signal: t.signal, stdio: ['pipe', 'pipe', 'inherit'] });
      child.on('error', () => undefined);
      child.stdin.end(text);
      let out = '';
      for await (const chunk of child.stdout) out += String(chunk);
      assert.deepEqual(JSON.parse(out), []);
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
