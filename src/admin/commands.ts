import { InstanceRepository } from '../db/instance.repository.ts';
import { AccountRepository } from '../db/account.repository.ts';
import type { Orm } from '../db/orm.ts';
import { generatePassword, type AuthService } from '../services/auth/index.ts';
import { DomainError } from '../services/shared/index.ts';

/** What a command prints: lines for stdout. Failures are thrown (DomainError → exit 1, UsageError → exit 2). */
export type Output = string[];

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface CommandDeps {
  orm: Orm;
  auth: AuthService;
  /** The password given with --password-stdin, if any. */
  password: string | undefined;
}

export const USAGE = `usage: ./wamux admin <command>

  reset-password <username> [--password-stdin]   set a new password (generated and printed unless read from stdin);
                                                 the user's refresh tokens are revoked
  create-user <username> [--admin] [--password-stdin]
                                                 a USER (or ADMIN) with a generated password unless read from stdin
  create-api-key <username> <key-name>           an API key acting as that user, printed once
  list-instances                                 every instance: id, name, status, phone number, owner

Runs against the configured database (DATABASE_URL, or the embedded one in DATA_DIR: stop the gateway
first, the embedded database allows one process). Exit codes: 0 done, 1 refused (unknown user, name
taken, weak password), 2 usage, 3 the database cannot be used.`;

const ARGUMENTS: Record<string, string[]> = {
  'reset-password': ['username'],
  'create-user': ['username'],
  'create-api-key': ['username', 'key-name'],
  'list-instances': [],
};

/** Refuses an unknown command or missing arguments before anything opens the database. */
export function checkUsage(name: string | undefined, args: string[]): void {
  const wanted = name ? ARGUMENTS[name] : undefined;
  if (!wanted) throw new UsageError(name ? `unknown command "${name}"` : 'no command given');
  const given = args.filter((a) => !a.startsWith('--'));
  if (given.length < wanted.length) throw new UsageError(`${name}: missing <${wanted[given.length]}>`);
}

export async function runCommand(name: string | undefined, args: string[], deps: CommandDeps): Promise<Output> {
  const arg = (i: number, what: string): string => {
    const value = args[i];
    if (!value) throw new UsageError(`${name}: missing <${what}>`);
    return value;
  };
  switch (name) {
    case 'reset-password': {
      const username = arg(0, 'username');
      const password = deps.password ?? generatePassword();
      await deps.auth.resetPassword(username, password);
      return [`password of "${username}" changed; its refresh tokens are revoked`, ...(deps.password ? [] : [`new password: ${password}`])];
    }
    case 'create-user': {
      const username = arg(0, 'username');
      const password = deps.password ?? generatePassword();
      const user = await deps.auth.createUser({ username, password, role: args.includes('--admin') ? 'ADMIN' : 'USER' });
      return [`created ${user.role} "${user.username}" (${user.id})`, ...(deps.password ? [] : [`password: ${password}`])];
    }
    case 'create-api-key': {
      const username = arg(0, 'username');
      const keyName = arg(1, 'key-name');
      const user = await new AccountRepository(deps.orm).findUserByName(username);
      const principal = user && (await deps.auth.principalOf(user.id));
      if (!principal) throw new DomainError('USER_NOT_FOUND', `no user named "${username}"`, { username });
      // The operator holds the database itself: as strong as the user's own password session, which is
      // what may mint keys (an API key may not).
      const { apiKey, key } = await deps.auth.createApiKey(principal, keyName);
      return [`API key "${apiKey.name}" (${apiKey.id}) for "${username}"; shown only now:`, key];
    }
    case 'list-instances': {
      const users = new Map((await new AccountRepository(deps.orm).listUsers()).map((u) => [u.id, u.username]));
      const rows = await new InstanceRepository(deps.orm).findAll();
      const table = [['ID', 'NAME', 'STATUS', 'PHONE', 'OWNER'], ...rows.map((r) => [r.id, r.name, r.status, r.phoneNumber ?? '-', r.ownerId ? (users.get(r.ownerId) ?? r.ownerId) : '-'])];
      const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
      return table.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
    }
    default:
      throw new UsageError(name ? `unknown command "${name}"` : 'no command given');
  }
}
