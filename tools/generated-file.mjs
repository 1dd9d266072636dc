// Shared by the generators (gen-units, gen-extractors): format a generated TypeScript file with the repo's prettier
// settings, then write it, or with --check fail when the committed copy differs.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import prettier from 'prettier';

export async function writeGenerated(out, text, { check, src, summary }) {
  const formatted = await prettier.format(text, { ...(await prettier.resolveConfig(out)), filepath: out });
  if (check) {
    const cur = existsSync(out) ? readFileSync(out, 'utf8') : '';
    if (cur !== formatted) {
      console.error(`${out} is out of date with ${src}: run npm run gen:units.`);
      process.exit(1);
    }
    console.log(`${out} is up to date (${summary}).`);
  } else {
    writeFileSync(out, formatted);
    console.log(`${out}: ${summary}.`);
  }
}
