import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceIndex, normalizeText, roleOf, ruleInputsOf } from '../../../src/core/context/workspaceIndex';
import { denylistMatch } from '../../../src/core/context/denylist';
import { indexOf, randomish, sampleFiles } from './helpers';

const excludedReason = (index: WorkspaceIndex, path: string): string | undefined => index.status(path)?.reason;

describe('gitignore', () => {
  test('root and nested .gitignore files both apply, each relative to its folder', () => {
    const index = indexOf({
      '.gitignore': 'build/\n*.log\n',
      'packages/web/.gitignore': 'generated/\n/local.ts\n',
      'build/out.js': 'x',
      'src/app.log': 'x',
      'packages/web/generated/api.ts': 'x',
      'packages/web/local.ts': 'x',
      'packages/web/src/local.ts': 'x',
      'packages/api/generated/api.ts': 'x',
      'src/main.ts': 'x',
    });
    assert.equal(excludedReason(index, 'build/out.js'), 'gitignored');
    assert.equal(excludedReason(index, 'src/app.log'), 'gitignored');
    assert.equal(excludedReason(index, 'packages/web/generated/api.ts'), 'gitignored');
    assert.equal(excludedReason(index, 'packages/web/local.ts'), 'gitignored');
    // Anchored to its own folder: the nested rule does not reach a deeper local.ts or a sibling package.
    assert.equal(excludedReason(index, 'packages/web/src/local.ts'), undefined);
    assert.equal(excludedReason(index, 'packages/api/generated/api.ts'), undefined);
    assert.equal(index.status('packages/web/generated/api.ts')?.detail, 'packages/web/.gitignore: generated/');
  });

  test('a deeper .gitignore can re-include a file a shallower one ignores', () => {
    const index = indexOf({ '.gitignore': '*.json\n', 'config/.gitignore': '!settings.json\n', 'config/settings.json': '{}', 'config/other.json': '{}' });
    assert.equal(excludedReason(index, 'config/settings.json'), undefined);
    assert.equal(excludedReason(index, 'config/other.json'), 'gitignored');
  });

  test('nothing inside an ignored folder can be re-included', () => {
    const index = indexOf({ '.gitignore': 'out/\n', 'pkg/.gitignore': '!keep.txt\n', 'pkg/out/keep.txt': 'x' });
    assert.equal(excludedReason(index, 'pkg/out/keep.txt'), 'gitignored');
  });

  test('editing a .gitignore re-evaluates only the files under its folder', () => {
    const index = indexOf({ 'a/x.ts': 'x', 'a/y.gen.ts': 'x', 'b/y.gen.ts': 'x' });
    const changes = index.setGitignore('a', '*.gen.ts\n');
    assert.deepEqual(changes.map((c) => [c.path, c.treeChanged]), [['a/y.gen.ts', true]]);
    assert.equal(excludedReason(index, 'a/y.gen.ts'), 'gitignored');
    assert.equal(excludedReason(index, 'b/y.gen.ts'), undefined);
    index.setFile('a/.gitignore', '*.gen.ts\n');
    index.deleteFile('a/.gitignore');
    assert.equal(excludedReason(index, 'a/y.gen.ts'), undefined);
  });

  test('the final state does not depend on whether the .gitignore came before or after the files', () => {
    const files = { 'src/a.ts': 'a', 'dist/a.js': 'a', '.gitignore': 'dist/\n', 'src/b.ts': 'b' };
    const forward = indexOf(files);
    const backward = indexOf(Object.fromEntries(Object.entries(files).reverse()));
    assert.deepEqual(forward.includedPaths(), backward.includedPaths());
    assert.deepEqual(forward.includedPaths(), ['.gitignore', 'src/a.ts', 'src/b.ts']);
  });

  test('isIgnoredFolder lets a walk prune ignored, dependency, VCS and credential folders', () => {
    const index = indexOf({ '.gitignore': 'coverage/\n' });
    assert.equal(index.isIgnoredFolder('coverage'), true);
    assert.equal(index.isIgnoredFolder('node_modules'), true);
    assert.equal(index.isIgnoredFolder('pkg/node_modules'), true);
    assert.equal(index.isIgnoredFolder('.git'), true);
    assert.equal(index.isIgnoredFolder('.ssh'), true);
    assert.equal(index.isIgnoredFolder('src'), false);
  });
});

describe('denylist', () => {
  const denied = ['.env', '.env.local', '.env.example', 'config/prod.env', 'certs/server.pem', 'tls/server.key', 'id_rsa', 'id_rsa.pub', 'home/.ssh/config', 'keys/store.p12', 'keys/store.pfx', 'credentials.json', '.aws/credentials', '.npmrc', '.netrc', 'secrets.yaml', 'config/secrets.ts', 'infra/terraform.tfstate', '.git-credentials'];
  for (const path of denied) {
    test(`${path} is denylisted`, () => {
      const index = indexOf({ [path]: 'harmless text' });
      assert.equal(excludedReason(index, path), 'denylisted');
      assert.ok(denylistMatch(path));
    });
  }
  // Found missing by an audit; each stays as a regression test.
  const audited = [
    '.env-production', '.env_local', '.env~', 'config/.env~', '.envs/.production/.django', '.dev.vars', 'secrets/prod.yaml', 'deploy/secret/db.yml',
    'prod.tfvars', 'infra/terraform.tfvars.json', 'serviceAccountKey.json', 'keys/my-service-account-123.json', 'gcp_service_account.json',
    'firebase-adminsdk-abc12.json', 'client_secret_123.apps.googleusercontent.com.json', 'application_default_credentials.json',
    '.vault-token', 'api/local.settings.json', '.s3cfg', '.boto', '.gnupg/secring.gpg', 'home/.gnupg/private-keys-v1.d/x.key',
  ];
  for (const path of audited) {
    test(`${path} is denylisted`, () => {
      assert.equal(excludedReason(indexOf({ [path]: 'harmless text' }), path), 'denylisted');
    });
  }
  const allowed = [
    'src/environment.ts', 'src/keyboard.ts', 'docs/keys.md', 'src/secretary.ts', 'src/tokens.ts', 'envoy.yaml', 'src/auth/password.ts',
    'envelope.go', 'src/env.ts', '.envoy/config.yaml', 'src/secretsManager.ts', 'src/secret-santa/app.ts', 'settings.json', 'service.json', 'terraform/main.tf',
  ];
  for (const path of allowed) {
    test(`${path} is not denylisted`, () => {
      assert.equal(denylistMatch(path), undefined);
    });
  }
  test('matching is case-insensitive', () => {
    assert.ok(denylistMatch('Certs/SERVER.PEM'));
    assert.ok(denylistMatch('.ENV'));
  });

  test('a workspace folder that is a credential store has its files judged as the store\'s, whatever it is called in the workspace', () => {
    // ~/.kube opened as the workspace: its config holds client keys; a note beside it is no key file.
    const kube = indexOf({ config: 'apiVersion: v1', 'notes.md': '# clusters' }, { folders: [{ label: '', path: '/home/ana/.kube' }] });
    assert.equal(kube.status('config')?.detail, 'Kubernetes credentials (matches **/.kube/config)');
    assert.equal(excludedReason(kube, 'notes.md'), undefined);
    // ~/.ssh added to a multi-root workspace under another name; a folder inside one counts too.
    const folders = [{ label: 'app', path: '/home/ana/src/app' }, { label: 'keys', path: '/home/ana/.ssh' }, { label: 'gpg', path: '/home/ana/.gnupg/private-keys-v1.d' }, { label: 'aws', path: 'C:/Users/ana/.aws' }];
    const multi = indexOf({ 'app/config': 'x', 'app/src/main.ts': 'x', 'keys/config': 'Host *', 'keys/known_hosts': 'x', 'gpg/abc.key': 'x', 'gpg/readme.txt': 'x', 'aws/config': '[default]' }, { rootDepth: 1, folders });
    for (const path of ['keys/config', 'keys/known_hosts', 'gpg/readme.txt', 'aws/config']) assert.equal(excludedReason(multi, path), 'denylisted', path);
    for (const path of ['app/config', 'app/src/main.ts']) assert.equal(excludedReason(multi, path), undefined, path);
    // A folder opened through a link to a store (a repo's `keys -> ../../.ssh`) is judged where it really is.
    const linked = indexOf({ 'app/README.md': 'x', 'keys/config': 'Host *' }, { rootDepth: 1, folders: [{ label: 'app', path: '/home/ana/src/app', real: '/home/ana/src/app' }, { label: 'keys', path: '/home/ana/src/app/keys', real: '/home/ana/.ssh' }] });
    assert.equal(excludedReason(linked, 'keys/config'), 'denylisted');
    assert.equal(excludedReason(linked, 'app/README.md'), undefined);
    // A project folder named like a credentials file is still judged below its name.
    const service = indexOf({ 'src/index.ts': 'x', '.env': 'x' }, { folders: [{ label: '', path: '/home/ana/credentials-service' }] });
    assert.equal(excludedReason(service, 'src/index.ts'), undefined);
    assert.equal(excludedReason(service, '.env'), 'denylisted');
  });
});

describe('ruleInputsOf', () => {
  const folders = [{ path: '/home/ana/app', real: '/home/ana/app' }, { path: '/home/ana/lib', real: '/data/lib' }, { path: '/home/ana/.kube', real: '/home/ana/.kube' }];

  test('a link in a workspace folder that leads out of every folder says where it leads', () => {
    assert.deepEqual(ruleInputsOf('/home/ana/app/build-settings.xml', '/home/ana/.m2/settings.xml', folders), { origins: ['build-settings.xml'], leadsOut: '/home/ana/.m2/settings.xml' });
    // Through a linked folder above it, too.
    assert.equal(ruleInputsOf('/home/ana/app/m2/settings.xml', '/home/ana/.m2/settings.xml', folders).leadsOut, '/home/ana/.m2/settings.xml');
  });

  test('a link to a file in a workspace folder is judged by its path there; a folder that is itself a link holds its files', () => {
    assert.deepEqual(ruleInputsOf('/home/ana/app/deploy.txt', '/home/ana/app/.env', folders), { origins: ['deploy.txt', '.env'] });
    assert.deepEqual(ruleInputsOf('/home/ana/app/cluster.yaml', '/home/ana/.kube/config', folders), { origins: ['cluster.yaml', '.kube/config'] });
    assert.deepEqual(ruleInputsOf('/home/ana/lib/src/a.ts', '/data/lib/src/a.ts', folders), { origins: ['src/a.ts', 'src/a.ts'] });
  });

  test('a file in a credential-store folder is read from the store; one opened outside every folder keeps its whole path', () => {
    assert.deepEqual(ruleInputsOf('/home/ana/.kube/config', '/home/ana/.kube/config', folders), { origins: ['.kube/config'] });
    assert.deepEqual(ruleInputsOf('/home/ana/app/src/main.ts', '/home/ana/app/src/main.ts', folders), { origins: ['src/main.ts'] });
    // Opened from outside, a link is no way out: it is judged by both paths, as before.
    assert.deepEqual(ruleInputsOf('/tmp/notes/settings.xml', '/home/ana/.m2/settings.xml', folders), { origins: ['tmp/notes/settings.xml', 'home/ana/.m2/settings.xml'] });
    assert.deepEqual(ruleInputsOf('C:/Users/ana/.ssh/config', 'C:/Users/ana/.ssh/config', []), { origins: ['Users/ana/.ssh/config'] });
  });
});

describe('content checks', () => {
  test('a file holding a key-like string is excluded, and the detail names the kind but not the key', () => {
    const key = `${'sk-ant-'}api03-${randomish(48, 'tok', 1)}`;
    const index = indexOf({ 'src/config.ts': `export const k = '${key}';\n` });
    const status = index.status('src/config.ts');
    assert.equal(status?.reason, 'secret');
    assert.match(status?.detail ?? '', /Anthropic API key \(line 1\)/);
    assert.ok(!JSON.stringify(index.exclusions()).includes(key.slice(8)));
  });

  test('ordinary code about passwords and tokens stays included', () => {
    const code = "export function login(password: string, token?: string) {\n  const apiKey = process.env.API_KEY;\n  return check(password, token ?? apiKey);\n}\n";
    const index = indexOf({ 'src/auth.ts': code });
    assert.equal(index.status('src/auth.ts')?.included, true);
  });

  test('removing the key from the file brings it back', () => {
    const index = indexOf({ 'src/config.ts': `const k = '${'ghp_'}${randomish(36, 'alnum', 2)}';` });
    assert.equal(excludedReason(index, 'src/config.ts'), 'secret');
    const change = index.setFile('src/config.ts', 'const k = process.env.TOKEN;');
    assert.equal(change.treeChanged, true);
    assert.equal(index.status('src/config.ts')?.included, true);
  });

  test('binaries (NUL bytes) and files over the size cap are excluded', () => {
    const index = indexOf(
      {
        'img/logo.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]),
        'data/blob.txt': 'a\u0000b',
        'data/huge.csv': 'x'.repeat(2048),
        'data/facts-only.bin': { size: 10_000_000 },
        'src/ok.ts': 'ok',
      },
      { maxFileBytes: 1024 },
    );
    assert.equal(excludedReason(index, 'img/logo.png'), 'binary');
    assert.equal(excludedReason(index, 'data/blob.txt'), 'binary');
    assert.equal(excludedReason(index, 'data/huge.csv'), 'tooLarge');
    assert.equal(excludedReason(index, 'data/facts-only.bin'), 'tooLarge');
    assert.deepEqual(index.includedPaths(), ['src/ok.ts']);
  });

  test('a file read and found not UTF-8 is left out, not sent with replacement characters; saved as UTF-8 it comes back', () => {
    const latin1 = new Uint8Array([...new TextEncoder().encode("# Caf"), 0xe9, 0x0a]);
    const utf16 = new Uint8Array([0xff, 0xfe, ...[...'export {};\n'].flatMap((c) => [c.charCodeAt(0), 0])]);
    const index = indexOf({ 'README.md': latin1, 'src/latin1.ts': latin1, 'src/utf16.ts': utf16, 'data/blob': new Uint8Array([0xe9, 0, 1]), 'src/ok.ts': 'ok' });
    assert.equal(index.readme(), undefined, 'no README rendered with U+FFFD for its é');
    assert.deepEqual(index.status('README.md'), { path: 'README.md', included: false, size: 7, contentKnown: false, reason: 'notUtf8', detail: 'bytes that are not valid UTF-8 (another encoding, such as Latin-1?)' });
    assert.equal(excludedReason(index, 'src/latin1.ts'), 'notUtf8');
    assert.equal(index.status('src/utf16.ts')?.detail, 'UTF-16, by its byte-order mark');
    assert.equal(index.status('data/blob')?.detail, 'contains NUL bytes', 'binary bytes are still binary');
    assert.equal(index.wasRead('src/latin1.ts'), true, 'its next change is read too');
    assert.deepEqual(index.includedPaths(), ['src/ok.ts']);
    index.setFile('README.md', new TextEncoder().encode('# Café\n'));
    assert.equal(index.readme()?.content, '# Café\n');
  });

  test('a well-known binary type is left out from its name alone, when only its size is known', () => {
    const index = indexOf({ 'assets/Logo.PNG': { size: 4000 }, 'dist/app.wasm': { size: 10 }, 'fonts/a.woff2': { size: 10 }, 'src/png.ts': { size: 10 }, 'docs/a.pdf.md': { size: 10 }, '.gz': { size: 1 } });
    assert.deepEqual(index.includedPaths(), ['.gz', 'docs/a.pdf.md', 'src/png.ts']);
    assert.equal(index.status('assets/Logo.PNG')?.detail, 'a .png file');
    assert.equal(index.wasRead('assets/Logo.PNG'), false, 'its changes are still only stat\'ed');
  });

  test('UTF-8 bytes are decoded and normalised (CRLF to LF, BOM dropped)', () => {
    const bytes = new TextEncoder().encode('\ufeff{\r\n  "name": "x"\r\n}\r\n');
    const index = indexOf({ 'package.json': bytes });
    assert.equal(index.manifests()[0]?.content, '{\n  "name": "x"\n}\n');
    assert.equal(normalizeText('a\rb\r\nc'), 'a\nb\nc');
  });
});

describe('incremental updates', () => {
  test('a folder delete removes exactly its files; a file path given as a folder removes only itself', () => {
    const index = indexOf({ 'src/a/x.ts': 'x', 'src/a/deep/y.ts': 'y', 'src/ab/z.ts': 'z', 'src/a.ts': 'a', 'top.ts': 't' });
    assert.deepEqual(index.deleteFolder('src/a.ts').map((c) => c.path), ['src/a.ts']);
    assert.deepEqual(index.deleteFolder('src/a').map((c) => c.path), ['src/a/deep/y.ts', 'src/a/x.ts']);
    assert.deepEqual(index.includedPaths(), ['src/ab/z.ts', 'top.ts']);
    index.setFile('src/a/again.ts', 'x');
    assert.deepEqual(index.deleteFolder('src').map((c) => c.path), ['src/a/again.ts', 'src/ab/z.ts']);
    assert.deepEqual(index.deleteFolder('').map((c) => c.path), ['top.ts']);
    assert.equal(index.fileCount, 0);
  });

  test('delete events cost in proportion to what they delete, not to the index', () => {
    // The watcher's delete handler runs deleteFile and deleteFolder on every deleted path; this
    // used to walk all 50,000 entries per event (5,000 events: 11 s). Bound generous for slow CI.
    const index = new WorkspaceIndex();
    const path = (i: number) => `pkg${i % 200}/src/mod${Math.floor(i / 200)}/file${i}.ts`;
    for (let i = 0; i < 50_000; i++) index.setFile(path(i), { size: 100 });
    const started = performance.now();
    for (let i = 0; i < 50_000; i += 10) {
      index.deleteFile(path(i));
      index.deleteFolder(path(i));
    }
    assert.ok(performance.now() - started < 2000, `${Math.round(performance.now() - started)} ms`);
    assert.equal(index.fileCount, 45_000);
  });

  test('a content change to an ordinary file touches neither the tree nor the rendered context', () => {
    const index = indexOf(sampleFiles());
    const before = index.contextVersion;
    const change = index.setFile('src/lib/util.ts', 'export const changed = true;\n');
    assert.deepEqual(change, { path: 'src/lib/util.ts', treeChanged: false, contextChanged: false, pinnedChanged: false });
    assert.equal(index.contextVersion, before);
  });

  test('adding and deleting files changes the tree; editing a manifest changes the context only', () => {
    const index = indexOf(sampleFiles());
    assert.equal(index.setFile('src/new.ts', 'x').treeChanged, true);
    assert.equal(index.deleteFile('src/new.ts').treeChanged, true);
    const manifest = index.setFile('package.json', '{ "name": "renamed" }\n');
    assert.equal(manifest.treeChanged, false);
    assert.equal(manifest.contextChanged, true);
    assert.equal(index.setFile('package.json', '{ "name": "renamed" }\r\n').contextChanged, false, 'same text after normalisation');
  });

  test('deleteFolder removes everything under it', () => {
    const index = indexOf(sampleFiles());
    index.deleteFolder('src/lib');
    assert.deepEqual(index.includedPaths().filter((p) => p.startsWith('src/')), ['src/index.ts']);
    assert.equal(index.tree.has('src/lib/util.ts'), false);
  });

  test('only rendered files keep their text; pinning asks for the text once', () => {
    const index = indexOf(sampleFiles());
    assert.equal(index.wantsContent('src/index.ts'), false);
    assert.equal(index.wantsContent('package.json'), true);
    assert.deepEqual(index.pin('src/index.ts'), { needsContent: true });
    assert.equal(index.pinnedFiles()[0]?.unavailable, 'needsContent');
    const change = index.setFile('src/index.ts', 'export const answer = 42;\n');
    assert.equal(change.pinnedChanged, true);
    assert.equal(index.pinnedFiles()[0]?.file?.content, 'export const answer = 42;\n');
    assert.deepEqual(index.pin('src/index.ts'), { needsContent: false });
  });

  test('a pinned file that holds a secret is reported unavailable, not rendered', () => {
    const index = indexOf({ 'src/a.ts': `const t = '${'xoxb-'}123456789012-${randomish(24, 'alnum', 3)}';` });
    index.pin('src/a.ts');
    assert.deepEqual(index.pinnedFiles(), [{ path: 'src/a.ts', unavailable: 'secret' }]);
  });
});

describe('roles', () => {
  test('manifests by name up to three segments deep; README only at the root', () => {
    assert.equal(roleOf('package.json'), 'manifest');
    assert.equal(roleOf('packages/web/package.json'), 'manifest');
    assert.equal(roleOf('a/b/c/package.json'), undefined);
    assert.equal(roleOf('src/App.csproj'), 'manifest');
    assert.equal(roleOf('README.md'), 'readme');
    assert.equal(roleOf('readme'), 'readme');
    assert.equal(roleOf('docs/README.md'), undefined);
    assert.equal(roleOf('src/index.ts'), undefined);
  });

  test('README.md wins over other README variants', () => {
    const index = indexOf({ 'README.rst': 'rst', 'README.md': 'md', 'README': 'plain' });
    assert.equal(index.readme()?.path, 'README.md');
  });

  test('a file whose bytes were read stays judged by them: its next change is read too, so the tree does not flip', () => {
    const index = new WorkspaceIndex();
    const key = `${'sk-ant-'}api03-${randomish(48, 'tok', 9)}`;
    index.setFile('src/keys.ts', { size: 80 });
    assert.equal(index.wasRead('src/keys.ts'), false, 'the scan knows its size only');
    assert.deepEqual(index.includedPaths(), ['src/keys.ts']);
    index.setFile('src/keys.ts', new TextEncoder().encode(`export const k = '${key}';\n`));
    assert.equal(index.status('src/keys.ts')?.reason, 'secret');
    assert.equal(index.wasRead('src/keys.ts'), true, 'so a save is fed its bytes, not its size');
    index.setFile('src/logo.bin', new Uint8Array([1, 0, 2]));
    assert.equal(index.wasRead('src/logo.bin'), true);
    // What a size-only update would do, which is why a read file is not given one.
    index.setFile('src/keys.ts', { size: 90 });
    assert.deepEqual(index.includedPaths().includes('src/keys.ts'), true);
  });

  test('paths are normalised', () => {
    const index = new WorkspaceIndex();
    index.setFile('./src\\win\\file.ts', 'x');
    assert.deepEqual(index.includedPaths(), ['src/win/file.ts']);
  });
});
