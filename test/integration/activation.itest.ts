import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { LadderApi } from '../../src/extension';
import { ladder } from './helpers';

describe('activation', () => {
  it('activates once startup has finished (never on *) and registers every contributed command', async () => {
    const extension = vscode.extensions.getExtension<LadderApi>('ladder-dev.ladder');
    assert.ok(extension, 'the Ladder extension is installed');
    const api = await ladder();
    assert.ok(api.activationMs > 0 && api.activationMs < 5000, `activationMs is plausible: ${api.activationMs}`);
    if (process.env.LADDER_ACTIVATION_OUT) writeFileSync(process.env.LADDER_ACTIVATION_OUT, JSON.stringify({ activation_ms: api.activationMs }));

    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = (extension.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    assert.ok(contributed.length > 0);
    for (const id of contributed) assert.ok(registered.has(id), `${id} is registered`);
  });
});
