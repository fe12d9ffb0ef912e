import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { SETTING_SCHEMAS, SETTINGS_SECTION } from '../../../src/core/settings/schema';

/** Read as text: src/vscode imports vscode, so the ids are parsed out of the file. */
const commandIdsSource = readFileSync('src/vscode/commandIds.ts', 'utf8');
const commandIds = [...commandIdsSource.matchAll(/:\s*'(ladder\.[A-Za-z]+)'/g)].map((m) => m[1]);
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  activationEvents: string[];
  contributes: { commands: { command: string; category?: string }[]; configuration: { properties: Record<string, { order?: number; scope?: string; markdownDescription?: string; enum?: string[]; enumDescriptions?: string[] }> }; menus: Record<string, { command?: string; submenu?: string; when?: string }[]>; submenus: { id: string; label: string }[] };
  capabilities: { untrustedWorkspaces: { supported: unknown; description?: string } };
  main: string;
  files: string[];
};
const walkthroughs = (JSON.parse(readFileSync('package.json', 'utf8')) as {
  contributes: { walkthroughs: { id: string; title: string; steps: { id: string; title: string; description: string; media: { markdown?: string }; completionEvents: string[] }[] }[] };
}).contributes.walkthroughs;

describe('package.json', () => {
  test('contributes exactly the commands in commandIds.ts, each in the Ladder category', () => {
    const contributed = pkg.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(contributed, [...commandIds].sort());
    for (const c of pkg.contributes.commands) assert.equal(c.category, 'Ladder', `${c.command} has the Ladder category`);
  });

  test('every menu entry names a contributed command or a declared submenu, and has a when clause', () => {
    const known = new Set(commandIds);
    const submenus = new Set(pkg.contributes.submenus.map((s) => s.id));
    for (const [menu, entries] of Object.entries(pkg.contributes.menus)) {
      for (const entry of entries) {
        const name = entry.command ?? entry.submenu;
        assert.ok(entry.command ? known.has(entry.command) : submenus.has(entry.submenu ?? ''), `${menu}: ${name} is contributed`);
        assert.ok(entry.when, `${menu}: ${name} has a when clause`);
      }
    }
    for (const id of submenus) assert.ok(pkg.contributes.menus[id]?.length, `submenu ${id} has entries`);
  });

  test("the editor's context menu shows the reviews and one Ladder submenu: nothing of ours beside VS Code's own entries", () => {
    // VS Code's own "Rename Symbol" sits in the same menu; a second, untagged one beside it
    // could not be told apart. The category is not shown in menus, so the rest is grouped.
    const top = pkg.contributes.menus['editor/context'] ?? [];
    assert.deepEqual(top.map((e) => e.command ?? e.submenu), ['ladder.reviewSelection', 'ladder.reviewFile', 'ladder.editorContext']);
    assert.equal(pkg.contributes.submenus.find((s) => s.id === 'ladder.editorContext')?.label, 'Ladder');
    assert.ok(pkg.contributes.menus['ladder.editorContext']?.some((e) => e.command === 'ladder.renameSymbol'));
  });

  test('every setting in the schema is declared with a scope and a markdown description, and nothing else is', () => {
    const declared = Object.keys(pkg.contributes.configuration.properties).sort();
    const schema = Object.keys(SETTING_SCHEMAS).map((k) => `${SETTINGS_SECTION}.${k}`).sort();
    assert.deepEqual(declared, schema);
    for (const [key, prop] of Object.entries(pkg.contributes.configuration.properties)) {
      assert.ok(prop.scope, `${key} has a scope`);
      assert.ok(prop.markdownDescription, `${key} has a markdownDescription`);
    }
  });

  test('every choice of an enum setting is described in the Settings editor', () => {
    for (const [key, prop] of Object.entries(pkg.contributes.configuration.properties)) {
      if (prop.enum) assert.equal(prop.enumDescriptions?.length, prop.enum.length, `${key} describes each of ${prop.enum.join(', ')}`);
    }
  });

  test('the package ships the licences of what it bundles beside the bundle', () => {
    assert.ok(pkg.files.includes('dist/extension.js') && pkg.files.includes('dist/THIRD_PARTY_NOTICES.txt'), pkg.files.join(', '));
    assert.match(readFileSync('esbuild.mjs', 'utf8'), /writeFileSync\('dist\/THIRD_PARTY_NOTICES\.txt'/);
  });

  test('edit commands are offered only where they can write: Tidy, Refactor, Docs and Write Tests hide on read-only editors', () => {
    const menus = Object.values(pkg.contributes.menus).flat();
    for (const id of ['ladder.tidySelection', 'ladder.refactorSelection', 'ladder.generateDocs', 'ladder.writeTests']) {
      const entries = menus.filter((m) => m.command === id && /editorHasSelection/.test(m.when ?? ''));
      assert.ok(entries.length > 0, `${id} has an editor menu entry`);
      for (const entry of entries) assert.match(entry.when ?? '', /!editorReadonly/, `${id}: ${entry.when}`);
    }
  });

  test('the Settings editor lists the settings in the ladder\'s order, not the alphabet\'s: the tiers up from labour, then routing', () => {
    const listed = Object.entries(pkg.contributes.configuration.properties).map(([key, prop]) => [key, prop.order] as const);
    assert.deepEqual(listed.filter(([, order]) => order === undefined), [], 'every setting has an order');
    const sorted = listed.sort((a, b) => a[1]! - b[1]!).map(([key]) => key.replace(/^ladder\./, ''));
    assert.equal(new Set(listed.map(([, order]) => order)).size, listed.length, 'no two share one');
    assert.deepEqual(sorted.slice(0, 5), ['models.labour', 'models.execute', 'models.judgment', 'models.exception', 'models.alternates']);
    assert.ok(sorted.indexOf('routing.accessCap') < sorted.indexOf('budget.session') && sorted.indexOf('budget.session') < sorted.indexOf('api.baseUrl'), sorted.join(', '));
  });

  test('settings that decide where the key goes are application-scoped', () => {
    assert.equal(pkg.contributes.configuration.properties['ladder.api.baseUrl']?.scope, 'application');
    assert.equal(pkg.contributes.configuration.properties['ladder.routing.allowExceptionTier']?.scope, 'application');
  });

  test('never activates on *, and declares limited untrusted-workspace support', () => {
    assert.ok(!pkg.activationEvents.includes('*'));
    assert.ok(pkg.activationEvents.includes('onWebviewPanel:ladder.costReport'), 'a reload can restore an open cost report');
    // An answer's tab is restored before Ladder starts on its own: VS Code asks for the scheme first.
    assert.ok(pkg.activationEvents.includes('onFileSystem:ladder-result'), 'a reload can restore an answer\'s tab');
    assert.equal(pkg.main, './dist/extension.js');
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.ok(pkg.capabilities.untrustedWorkspaces.description);
  });

  test('the Get Started walkthrough: each step has a button for a contributed command, completes when it ran (when it did its work, for one the user can cancel), and its page exists', () => {
    const known = new Set(commandIds);
    const sources = readdirSync('src/vscode', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(`src/vscode/${f}`, 'utf8')).join('\n');
    const contextKeysSet = new Set([...sources.matchAll(/'setContext', '([\w.]+)'/g)].map((m) => m[1]));
    const cancellable = new Set(['ladder.setApiKey', 'ladder.previewRoute', 'ladder.reviewFile']);
    assert.equal(walkthroughs.length, 1);
    for (const step of walkthroughs[0]!.steps) {
      const linked = [...step.description.matchAll(/\]\(command:([\w.]+)\)/g)].map((m) => m[1]);
      assert.equal(linked.length, 1, `${step.id} has one button`);
      assert.ok(known.has(linked[0]), `${step.id}'s button runs ${linked[0]}, a contributed command`);
      // A command the user can cancel completes its step only once it did its work (a context key it sets then).
      const done = cancellable.has(linked[0] ?? '') ? step.completionEvents.every((e) => e.startsWith('onContext:')) : step.completionEvents.includes(`onCommand:${linked[0]}`);
      assert.ok(done, `${step.id} completes when its button's command ${cancellable.has(linked[0] ?? '') ? 'succeeds, not when it is cancelled' : 'runs'}: ${step.completionEvents.join(', ')}`);
      for (const event of step.completionEvents) {
        // A context key the extension sets (the key step: however the key was stored), or a contributed command.
        const context = /^onContext:([\w.]+)$/.exec(event)?.[1];
        if (context) assert.ok(contextKeysSet.has(context), `${step.id}: ${event} is a context key Ladder sets`);
        else assert.ok(known.has(event.replace(/^onCommand:/, '')), `${step.id}: ${event}`);
      }
      const page = readFileSync(step.media.markdown ?? '', 'utf8');
      assert.match(page, /^# \S/, `${step.media.markdown} opens with a heading`);
      for (const named of page.matchAll(/`(ladder\.[\w.]+)`/g)) assert.ok((named[1] ?? '') in pkg.contributes.configuration.properties, `${step.media.markdown} names a real setting: ${named[1]}`);
    }
  });
});
