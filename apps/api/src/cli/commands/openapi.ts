import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { writeOpenApiDocument } from '../openapi';

import type { CommandContext } from './command-context';

export function registerOpenapi({ program, out, config }: CommandContext): void {
  program
    .command('openapi')
    .description('Write the OpenAPI document of this build (no database needed).')
    .option('--out <file>', 'where to write it', 'openapi/openapi.json')
    .action(async (opts: { out: string }) => {
      const o = out();
      const file = resolve(opts.out);
      const json = await writeOpenApiDocument(config());
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, json);
      o.result({ file }, `Wrote ${file}`);
    });
}
