/**
 * The ids to try, most literal first, for a model as a client names it: the provider's own prefix (`openai/gpt-4o`),
 * Google's `models/` paths, Bedrock's cross-region `us.`/`eu.`/`apac.`/`global.` profiles, Vertex `@date` versions,
 * date suffixes (`-2024-08-06`, `-20250929`) and `-latest`.
 */
export function matchCandidates(provider: string, model: string): string[] {
  const out: string[] = [];
  const add = (id: string) => {
    const v = id.trim();
    if (v && !out.includes(v)) out.push(v);
  };
  let m = model.trim();
  add(m);
  for (const prefix of [`${provider}/`, 'models/', 'publishers/google/models/', 'openai/', 'anthropic/', 'google/']) {
    if (m.toLowerCase().startsWith(prefix.toLowerCase()) && m.length > prefix.length) {
      m = m.slice(prefix.length);
      add(m);
    }
  }
  const region = /^(us|eu|apac|global|us-gov|jp|au)\.(.+)$/.exec(m);
  if (region) {
    m = region[2];
    add(m);
  }
  if (m.includes('@')) {
    const [base, version] = m.split('@');
    add(`${base}-${version}`);
    m = base;
    add(m);
  }
  const latest = /^(.+)-latest$/.exec(m);
  if (latest) {
    m = latest[1];
    add(m);
  }
  const dated = /^(.+?)-(\d{4}-\d{2}-\d{2}|\d{8})(-v\d+(:\d+)?)?$/.exec(m);
  if (dated) {
    add(dated[1]);
  }
  const bedrockVersion = /^(.+)-v\d+(:\d+)?$/.exec(m);
  if (bedrockVersion) add(bedrockVersion[1]);
  return out;
}
