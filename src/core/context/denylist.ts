import ignore from 'ignore';

/**
 * Files that never enter a prompt because of what they are called, whatever .gitignore says
 * and whatever they contain. Patterns use .gitignore syntax and match case-insensitively at
 * any depth. The list errs wide: a source file named `credentials.ts` or `secrets.py` is left
 * out too, because a name like that is where people put the real thing, and so is a page
 * like `docs/secrets.md` (how-tos about secrets paste real ones) and everything under a
 * `secrets/` or `secret/` folder. `.env.example` is left out as well: templates are often
 * filled in by accident. Names that only begin like these (`environment.ts`, `envelope.go`,
 * `secretary.py`) are not caught. Names many projects use innocently (`settings.xml`, `*.asc`
 * public keys) are left to the content detectors unless the path says more (`.m2/`, `private`).
 */
const DENYLIST: readonly { readonly pattern: string; readonly why: string }[] = [
  { pattern: '*.env', why: 'environment file' },
  { pattern: '.env', why: 'environment file' },
  { pattern: '.env.*', why: 'environment file' },
  { pattern: '.env-*', why: 'environment file' },
  { pattern: '.env_*', why: 'environment file' },
  { pattern: '.env~', why: 'environment file (editor backup)' },
  { pattern: '.envs/', why: 'environment files folder' },
  { pattern: '.envrc', why: 'direnv file (usually exports secrets)' },
  { pattern: '.flaskenv', why: 'Flask environment file' },
  { pattern: 'env.local', why: 'environment file' },
  { pattern: 'env.bak', why: 'environment file (backup)' },
  { pattern: '.dev.vars', why: 'Cloudflare Workers local secrets' },
  { pattern: '*.pem', why: 'PEM key or certificate bundle' },
  { pattern: '*.key', why: 'private key' },
  { pattern: '*.p12', why: 'PKCS#12 key store' },
  { pattern: '*.pfx', why: 'PKCS#12 key store' },
  { pattern: '*.p8', why: 'PKCS#8 private key' },
  { pattern: '*.jks', why: 'Java key store' },
  { pattern: '*.keystore', why: 'key store' },
  { pattern: '*.ppk', why: 'PuTTY private key' },
  { pattern: '*.kdbx', why: 'password database' },
  { pattern: 'id_rsa*', why: 'SSH key' },
  { pattern: 'id_dsa*', why: 'SSH key' },
  { pattern: 'id_ecdsa*', why: 'SSH key' },
  { pattern: 'id_ed25519*', why: 'SSH key' },
  { pattern: '.ssh/', why: 'SSH folder' },
  { pattern: '.aws/', why: 'AWS credentials folder' },
  { pattern: '.azure/', why: 'Azure credentials folder' },
  { pattern: '.gnupg/', why: 'GnuPG keyring folder' },
  { pattern: 'secring.gpg', why: 'GnuPG secret keyring' },
  { pattern: '*private*.asc', why: 'armored private key' },
  { pattern: '*secret*.asc', why: 'armored private key' },
  { pattern: 'secrets/', why: 'secrets folder' },
  { pattern: 'secret/', why: 'secrets folder' },
  { pattern: 'credentials*', why: 'credentials file' },
  { pattern: '.credentials*', why: 'credentials file' },
  { pattern: '.git-credentials', why: 'git credential store' },
  { pattern: 'application_default_credentials.json', why: 'Google Cloud credentials' },
  { pattern: '.vault-token', why: 'HashiCorp Vault token' },
  { pattern: '.s3cfg', why: 's3cmd config (holds AWS keys)' },
  { pattern: '.boto', why: 'boto config (holds AWS keys)' },
  { pattern: 'local.settings.json', why: 'Azure Functions local settings (connection strings)' },
  { pattern: '.npmrc', why: 'npm config (may hold an auth token)' },
  { pattern: '.yarnrc.yml', why: 'yarn config (may hold an auth token)' },
  { pattern: '.yarnrc', why: 'yarn v1 config (may hold an auth token)' },
  { pattern: '.pypirc', why: 'PyPI config (may hold a password)' },
  { pattern: 'pip.conf', why: 'pip config (index URLs may hold a password)' },
  { pattern: 'pip.ini', why: 'pip config (index URLs may hold a password)' },
  { pattern: '**/.m2/settings.xml', why: 'Maven user settings (server passwords)' },
  { pattern: 'settings-security.xml', why: 'Maven master password' },
  { pattern: '**/.config/gh/hosts.yml', why: 'GitHub CLI credentials' },
  { pattern: '.terraformrc', why: 'Terraform CLI config (registry tokens)' },
  { pattern: 'terraform.rc', why: 'Terraform CLI config (registry tokens)' },
  { pattern: 'rclone.conf', why: 'rclone config (cloud storage credentials)' },
  { pattern: '.netrc', why: 'netrc login file' },
  { pattern: '_netrc', why: 'netrc login file' },
  { pattern: '.pgpass', why: 'PostgreSQL password file' },
  { pattern: '.my.cnf', why: 'MySQL client config (may hold a password)' },
  { pattern: '.htpasswd', why: 'HTTP password file' },
  { pattern: 'wp-config.php', why: 'WordPress config (database password, salts)' },
  { pattern: '.dockercfg', why: 'Docker registry credentials' },
  { pattern: '**/.docker/config.json', why: 'Docker registry credentials' },
  { pattern: '**/.kube/config', why: 'Kubernetes credentials' },
  { pattern: 'kubeconfig*', why: 'Kubernetes credentials' },
  { pattern: '*.kubeconfig', why: 'Kubernetes credentials' },
  { pattern: 'secrets.*', why: 'secrets file' },
  { pattern: 'secret.*', why: 'secrets file' },
  { pattern: '.secrets', why: 'secrets file' },
  { pattern: '*.secret', why: 'secrets file' },
  { pattern: '*.secrets', why: 'secrets file' },
  { pattern: '*service-account*.json', why: 'cloud service-account key' },
  { pattern: '*service_account*.json', why: 'cloud service-account key' },
  { pattern: 'serviceaccount*.json', why: 'cloud service-account key' },
  { pattern: '*-adminsdk-*.json', why: 'Firebase service-account key' },
  { pattern: 'client_secret*.json', why: 'OAuth client secret' },
  { pattern: '*.tfvars', why: 'Terraform variables (often secrets)' },
  { pattern: '*.tfvars.json', why: 'Terraform variables (often secrets)' },
  { pattern: '*.tfstate', why: 'Terraform state (holds secrets in clear)' },
  { pattern: '*.tfstate.*', why: 'Terraform state (holds secrets in clear)' },
];

/**
 * Folders skipped outright, for noise rather than secrecy: version-control internals and
 * installed dependencies (usually git-ignored anyway; listed so a repo without a .gitignore
 * does not drown the file tree).
 */
const SKIPPED_FOLDERS: ReadonlyMap<string, 'vcs' | 'dependencies'> = new Map([
  ['.git', 'vcs'],
  ['.hg', 'vcs'],
  ['.svn', 'vcs'],
  ['node_modules', 'dependencies'],
]);

const matcher = ignore({ ignorecase: true }).add(DENYLIST.map((d) => d.pattern));
const whyByPattern = new Map(DENYLIST.map((d) => [d.pattern, d.why]));

/**
 * A cheap superset test run before `ignore` (which is exact but slow on 10,000 paths): any
 * path segment that could match a pattern's last segment. Gitignore rules without a slash
 * match a file or folder name at any depth, so every segment is tried.
 */
const segmentPrefilter = new RegExp(
  `^(?:${[...new Set(DENYLIST.map((d) => d.pattern.replace(/\/$/, '').split('/').pop() ?? ''))]
    .map((last) => last.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.'))
    .join('|')})$`,
  'i',
);

/** The denylist entry a workspace-relative path falls under, or undefined. */
export function denylistMatch(path: string): { pattern: string; why: string } | undefined {
  if (!path.split('/').some((segment) => segmentPrefilter.test(segment))) return undefined;
  const result = matcher.test(path);
  const pattern = result.ignored ? result.rule?.pattern : undefined;
  if (pattern === undefined) return undefined;
  return { pattern, why: whyByPattern.get(pattern) ?? 'denylisted' };
}

/**
 * Whether a folder on the path is one of SKIPPED_FOLDERS; returns its kind. With
 * `isFolder` the last segment counts too (for pruning a walk). A file named `.git` (a
 * worktree's or submodule's pointer to its git folder) is version-control data too.
 */
export function skippedFolderOf(path: string, isFolder = false): 'vcs' | 'dependencies' | undefined {
  const segments = path.split('/');
  const end = isFolder || segments[segments.length - 1] === '.git' ? segments.length : segments.length - 1;
  for (let i = 0; i < end; i++) {
    const kind = SKIPPED_FOLDERS.get(segments[i] ?? '');
    if (kind) return kind;
  }
  return undefined;
}
