import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { denylistMatch } from '../../../src/core/context/denylist';

describe('denylist: credential files an audit found sent', () => {
  const denied = [
    '.yarnrc', 'pip.conf', 'home/.config/pip/pip.conf', 'pip.ini', '.m2/settings.xml', 'ci/.m2/settings.xml', '.m2/settings-security.xml',
    'admin.kubeconfig', 'clusters/prod.kubeconfig', 'kubeconfig', 'wp-config.php', 'web/wp-config.php', '.config/gh/hosts.yml',
    'home/.config/gh/hosts.yml', 'rclone.conf', '.config/rclone/rclone.conf', '.terraformrc', 'terraform.rc', 'keys/private-key.asc',
    'release-secret-subkeys.asc', 'secring.gpg', 'backup/secring.gpg', '.flaskenv', 'env.local', 'config/env.bak', '.pgpass',
  ];
  for (const path of denied) {
    test(`${path} is denylisted`, () => {
      assert.ok(denylistMatch(path), path);
    });
  }

  // Names projects use for ordinary files: their content is checked instead.
  const allowed = [
    'settings.xml', 'maven/settings.xml', 'src/main/resources/settings.xml', 'KEYS.asc', 'release/public-key.asc', 'wp-config-sample.php',
    'src/env.local.ts', 'docs/pip.md', 'terraform.tf', 'hosts.yml', 'gh/hosts.yml', 'src/yarnrc.ts',
  ];
  for (const path of allowed) {
    test(`${path} is not denylisted`, () => {
      assert.equal(denylistMatch(path), undefined);
    });
  }
});
