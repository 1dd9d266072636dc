import { UsersService } from '@mph/api-auth';
import { withAppContext } from '../context';
import { CliError } from '../output';

import type { CommandContext } from './command-context';

export function registerCreateAdmin({ program, out, config }: CommandContext): void {
  program
    .command('create-admin')
    .description('Create an admin, or make an existing user admin again with a new password (ends their sessions).')
    .requiredOption('--email <email>', "the admin's email")
    .option('--password <password>', 'the password (at least 12 characters); omit to generate one, printed once')
    .action(async (opts: { email: string; password?: string }) => {
      const o = out();
      if (!/^[^@\s]+@[^@\s]+$/.test(opts.email)) throw new CliError(`"${opts.email}" is not an email address.`, 2);
      if (opts.password !== undefined && opts.password.length < 12)
        throw new CliError('The password must be at least 12 characters.', 2);
      await withAppContext(
        config(),
        async (ctx) => {
          const { user, created, generatedPassword } = await ctx
            .get(UsersService)
            .ensureAdmin(opts.email, { plain: opts.password });
          o.result(
            { id: user.id, email: user.email, created, ...(generatedPassword ? { password: generatedPassword } : {}) },
            `${created ? 'Created admin' : 'Restored admin'} ${user.email}` +
              (generatedPassword ? ` with the generated password ${generatedPassword} (shown only now).` : '.'),
          );
        },
        { log: (l) => o.info(l) },
      );
    });
}
