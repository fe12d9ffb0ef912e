import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { contextReport } from '../../../src/core/prompt/contextReport';
import { WorkspaceRoots } from '../../../src/core/context/roots';
import { PrefixRenderer } from '../../../src/core/prompt/prefix';
import { indexOf } from '../context/helpers';

const tokens = (text: string) => `${text.length} chars`;

describe('Show Workspace Context', () => {
  test('shows the segments byte for byte in a fence nothing inside can close, and every file left out with why', () => {
    const index = indexOf({
      'README.md': '# Shop\nUse ```fences``` freely.\n',
      'package.json': '{"name":"shop"}\n',
      'src/a.ts': 'export const a = 1;\n',
      '.env': 'DATABASE_URL=postgres://u:p@h/db\n',
      '.gitignore': 'build/\n*.log\n',
      'debug.log': 'x',
    });
    index.pin('src/a.ts');
    index.setFile('src/a.ts', 'export const a = 1;\n');
    const renderer = new PrefixRenderer(index);
    const context = renderer.context();
    const pinned = renderer.pinned();
    assert.ok(context && pinned);
    const page = contextReport({ context, pinned, pinnedNotes: [], exclusions: index.exclusions(), tokens });

    assert.ok(page.includes(`\n\`\`\`\`text\n${context.text}\n\`\`\`\`\n`), 'the context exactly, in a fence longer than the README\'s own');
    assert.ok(page.includes(`\n\`\`\`text\n${pinned.text}\n\`\`\`\n`), 'the pinned segment exactly');
    assert.match(page, /^## Workspace context \(\d+ chars\)$/m);
    assert.match(page, /^## Left out \(2 files\)$/m);
    assert.match(page, /^\| `\.env` \| its name marks it as a credentials file \| .+ \|$/m);
    assert.match(page, /^\| `debug\.log` \| it is git-ignored \| \.gitignore: \*\.log \|$/m);
    assert.doesNotMatch(page, /postgres:\/\//, 'never a left-out file\'s content');
  });

  test('says so when nothing is sent, and lists nothing left out when nothing is', () => {
    const page = contextReport({ pinnedNotes: [], exclusions: [], tokens });
    assert.match(page, /Nothing from this workspace is sent before a request/);
    assert.match(page, /No file the index read was left out\./);
  });

  test('in a multi-root workspace, says which folder each label is, so "app-2" can be told from "app"', () => {
    const roots = new WorkspaceRoots([{ name: 'app', path: '/work/client/app' }, { name: 'app', path: '/work/server/app' }]);
    const folders = roots.folders.map((f, i) => ({ label: roots.labels[i] ?? '', path: f.path }));
    const page = contextReport({ pinnedNotes: [], exclusions: [], tokens, folders });
    assert.match(page, /^- `app`: `\/work\/client\/app`$/m);
    assert.match(page, /^- `app-2`: `\/work\/server\/app`$/m);
  });
});

describe('Show Workspace Context in a big workspace', () => {
  test('lists a bounded number of left-out files, the rarest reason first, and counts the rest by reason', () => {
    const images = Array.from({ length: 40_000 }, (_, i) => `assets/img${String(i).padStart(5, '0')}.png`);
    const index = indexOf({ ...Object.fromEntries(images.map((p) => [p, { size: 100 }])), 'zz/.env': 'X=1\n', 'src/a.ts': 'export {};\n' });
    const page = contextReport({ pinnedNotes: [], exclusions: index.exclusions(), tokens });

    assert.ok(page.length < 50_000, `a page a person can read, not ${page.length} characters`);
    assert.match(page, /^## Left out \(40,001 files\)$/m);
    assert.match(page, /^- it is binary: 40,000 files$/m);
    assert.match(page, /^- its name marks it as a credentials file: 1 file$/m);
    const rows = page.split('\n').filter((l) => l.startsWith('| `'));
    assert.equal(rows.length, 200);
    assert.match(rows[0]!, /^\| `zz\/\.env` \| its name marks it as a credentials file \|/, 'a credentials file is not buried under the images');
    assert.match(page, /^… and 39,801 more files \(it is binary: 39,801\)\.$/m);
  });
});
