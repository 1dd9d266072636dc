/**
 * How the feeds' spellings of one served product and of one trained model meet. Pure functions: the identity
 * resolver (identity.service.ts) applies them to a whole feed at once against the catalog.
 *
 * Two levels:
 * - an **offering id** is the provider's own id, spelled the way its API takes it; two feeds' spellings of one
 *   product (Fireworks `gpt-oss-120b` and `accounts/fireworks/models/gpt-oss-120b`) become one offering id
 *   (`canonicalOfferingId`), the other spelling an alias of that offering;
 * - a **model candidate** is what the offering serves, as `creator/name` (creator possibly unknown), with the
 *   provider's wrappers removed and a dated snapshot folded into its family (`modelCandidates`).
 */

/** Creator namespaces that name the same creator, → the slug we use for closed models' ids (OpenRouter's). */
const CREATOR_GROUPS: Record<string, string[]> = {
  openai: ['openai'],
  anthropic: ['anthropic'],
  google: ['google', 'gemini', 'vertex', 'google-ai-studio', 'googleai'],
  'meta-llama': ['meta-llama', 'meta', 'facebook', 'llama'],
  mistralai: ['mistralai', 'mistral'],
  qwen: ['qwen', 'alibaba', 'alibaba-cloud', 'dashscope'],
  deepseek: ['deepseek', 'deepseek-ai'],
  'x-ai': ['x-ai', 'xai'],
  cohere: ['cohere', 'cohereforai', 'coherelabs'],
  'z-ai': ['z-ai', 'zai', 'zai-org', 'zhipuai', 'thudm'],
  moonshotai: ['moonshotai', 'moonshot'],
  microsoft: ['microsoft'],
  nvidia: ['nvidia'],
  amazon: ['amazon', 'amazon-nova'],
  ai21: ['ai21', 'ai21labs'],
  minimax: ['minimax', 'minimaxai'],
  perplexity: ['perplexity'],
  'ibm-granite': ['ibm-granite', 'ibm'],
  baidu: ['baidu'],
  tencent: ['tencent'],
  xiaomi: ['xiaomi', 'xiaomimimo'],
  'stepfun-ai': ['stepfun-ai', 'stepfun'],
  nousresearch: ['nousresearch'],
  allenai: ['allenai'],
  liquid: ['liquid', 'liquidai'],
  '01-ai': ['01-ai'],
  'black-forest-labs': ['black-forest-labs', 'bfl'],
  inception: ['inception', 'inceptionlabs'],
};

const CREATOR_OF = new Map<string, string>(
  Object.entries(CREATOR_GROUPS).flatMap(([slug, names]) => names.map((n) => [n, slug] as [string, string])),
);

/** The canonical creator slug for a namespace as any feed or the Hub spells it, or null when it is not a creator. */
export function creatorSlug(namespace: string | null | undefined): string | null {
  if (!namespace) return null;
  return CREATOR_OF.get(namespace.toLowerCase()) ?? null;
}

/** Whether two namespaces name the same creator (unknown namespaces only match themselves, case-insensitively). */
export function sameCreator(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return false;
  return (creatorSlug(a) ?? a.toLowerCase()) === (creatorSlug(b) ?? b.toLowerCase());
}

/** Name prefixes → creator, for ids that carry no namespace (`gpt-oss-120b`, `claude-sonnet-4-5`). Longest first. */
const NAME_PREFIXES: [RegExp, string][] = [
  [
    /^(gpt|chatgpt|o[134](-|$)|dall-e|whisper|tts-|text-embedding-(3|ada)|davinci|babbage|ada$|ada-|curie|omni-moderation|text-moderation|codex|computer-use|sora)/,
    'openai',
  ],
  [/^claude/, 'anthropic'],
  [
    /^(gemini|gemma|imagen|veo|text-bison|chat-bison|code-bison|codechat-bison|palm|learnlm|lyria|text-embedding-00|text-multilingual-embedding|gemini-embedding|embedding-gecko)/,
    'google',
  ],
  [/^(meta-llama|llama|codellama)/, 'meta-llama'],
  [
    /^(mistral|mixtral|codestral|ministral|pixtral|magistral|devstral|voxtral|open-mistral|open-mixtral|open-codestral)/,
    'mistralai',
  ],
  [/^(qwen|qwq|qvq)/, 'qwen'],
  [/^deepseek/, 'deepseek'],
  [/^grok/, 'x-ai'],
  [/^(command|c4ai|aya|embed-(english|multilingual|v4)|rerank-)/, 'cohere'],
  [/^(nova-|titan-)/, 'amazon'],
  [/^(jamba|j2-)/, 'ai21'],
  [/^(glm|chatglm|codegeex)/, 'z-ai'],
  [/^(kimi|moonshot-v1)/, 'moonshotai'],
  [/^phi-/, 'microsoft'],
  [/^(nemotron|llama-3\.1-nemotron)/, 'nvidia'],
  [/^(minimax|abab)/, 'minimax'],
  [/^(sonar|r1-1776)/, 'perplexity'],
  [/^granite/, 'ibm-granite'],
  [/^ernie/, 'baidu'],
  [/^hunyuan/, 'tencent'],
  [/^mimo/, 'xiaomi'],
  [/^step-/, 'stepfun-ai'],
  [/^(hermes|nous-)/, 'nousresearch'],
  [/^olmo/, 'allenai'],
  [/^lfm/, 'liquid'],
  [/^yi-/, '01-ai'],
  [/^flux/, 'black-forest-labs'],
  [/^mercury/, 'inception'],
];

/** The creator a bare model name implies (`gpt-oss-120b` → openai), or null. */
export function inferCreator(name: string): string | null {
  const lower = name.toLowerCase();
  // llama-3.1-nemotron is NVIDIA's, not Meta's: the more specific rule comes first by checking nemotron anywhere.
  if (/nemotron/.test(lower)) return 'nvidia';
  for (const [re, creator] of NAME_PREFIXES) if (re.test(lower)) return creator;
  return null;
}

/**
 * The matching key of a model name: lower case, only letters and digits (`Claude-3.5-Sonnet` and `claude-3-5-sonnet`
 * meet as `claude35sonnet`). The namespace is not part of it. The database computes the same key
 * (`mph_name_key`, migration 1764770000000) for every model id and alias.
 */
export function nameKey(idOrName: string): string {
  const name = idOrName.slice(idOrName.lastIndexOf('/') + 1);
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

/** A dated snapshot suffix of a model name, and the family name without it. */
export function splitSnapshot(name: string): { family: string; snapshot: string } | null {
  const patterns: RegExp[] = [
    /^(.+?)[-@](\d{4}-\d{2}-\d{2})$/, // gpt-4o-2024-08-06
    /^(.+?)[-@](20\d{6})$/, // claude-3-5-sonnet-20241022, claude-3-5-sonnet@20240620
    /^(.+?)-((?:0[1-9]|1[0-2])(?:[0-2]\d|3[01]))$/, // gpt-4-0613, gpt-3.5-turbo-1106 (MMDD)
    /^(.+?)-(2[3-9](?:0[1-9]|1[0-2]))$/, // mistral-large-2407 (YYMM)
    /^(.+?)-((?:0[1-9]|1[0-2])-20\d{2})$/, // command-r-08-2024
    /^(.+?)-(00\d)$/, // gemini-1.5-pro-002
    /^(.+?)-(latest)$/,
  ];
  for (const re of patterns) {
    const m = re.exec(name);
    // The family keeps at least one letter (`o1-2024-12-17` → o1, never an empty or numeric family).
    if (m && /[a-z]/i.test(m[1])) return { family: m[1], snapshot: m[2] };
  }
  return null;
}

/** Offering variants: how a provider sells the same served model under another id (free tier, plan, quality). */
const OPENROUTER_VARIANT = /^(.+):(free|beta|extended|nitro|floor|online|thinking|exacto)$/;

/** Provider-specific wrappers around the model name, removed to find the model (never from the offering id). */
interface ProviderRules {
  /** Prefixes of the provider's ids that are not part of the model's name. */
  prefixes?: RegExp[];
  /** Suffixes of the provider's ids that are not part of the model's name (Vertex `-maas`). */
  suffixes?: RegExp[];
  /** The provider's serving variants (a faster or quantized deployment): removed only to find a known model. */
  serving?: RegExp[];
  /** The offering id as the provider's API takes it, from another feed's spelling. */
  canonical?: (id: string) => string;
}

const BEDROCK_VENDOR =
  /^(?:(?:us|eu|apac|global|us-gov|jp|au|ca)\.)?(anthropic|meta|openai|amazon|mistral|cohere|ai21|deepseek|qwen|writer|twelvelabs|stability|luma|minimax|moonshot|moonshotai|google|nvidia|zai)\.(.+)$/;

const BEDROCK_VERSION = [/-v\d+(:\d+)?$/, /-\d+:\d+$/, /:\d+$/];

const PROVIDER_RULES: Record<string, ProviderRules> = {
  fireworks: {
    prefixes: [/^accounts\/[^/]+\/models\//],
    canonical: (id) => (id.includes('/') ? id : `accounts/fireworks/models/${id}`),
  },
  cloudflare: {
    prefixes: [/^@cf\//, /^@hf\//],
    canonical: (id) => (id.startsWith('@') ? id : `@cf/${id}`),
  },
  'vertex-ai': {
    prefixes: [/^vertex_ai\//, /^publishers\/[^/]+\/models\//],
    suffixes: [/-maas$/],
    canonical: (id) => id.replace(/^vertex_ai\//, ''),
  },
  databricks: { prefixes: [/^databricks-/] },
  nebius: { serving: [/-fast$/] },
  together: { serving: [/-turbo$/i, /-lite$/i] },
  synthetic: { prefixes: [/^hf:/] },
  google: { prefixes: [/^models\//] },
};

/** The offering id as the provider's API takes it (two feeds' spellings of one offering meet here). */
export function canonicalOfferingId(provider: string, id: string): string {
  const rules = PROVIDER_RULES[provider];
  return rules?.canonical ? rules.canonical(id.trim()) : id.trim();
}

export interface ModelCandidate {
  /** The creator namespace as found (from the id, or inferred from the name); null when unknown. */
  creator: string | null;
  /** The namespace is spelled in the provider's id (`Qwen/Qwen2.5-7B-Instruct`, an HF repo): a new model keeps it. */
  creatorGiven?: boolean;
  name: string;
  /** The dated snapshot folded away, when there was one. */
  snapshot: string | null;
  /** The normalisation steps that produced this candidate, for the offering's identity record. */
  rules: string[];
}

/**
 * What a provider's model id may be, most specific first: the id with the provider's wrappers removed (prefixes
 * such as `accounts/fireworks/models/`, `@cf/`, Bedrock's `anthropic.` and `-v1:0`, `:free`, Vertex `-maas`), then
 * the snapshot folded into its family, then the provider's serving suffixes (`-fast`, `-turbo`) removed. The first
 * candidate that names a catalog model wins; a new model is made from `candidates[primary]`.
 */
export function modelCandidates(
  provider: string,
  providerModelId: string,
): { list: ModelCandidate[]; primary: number } {
  const rules: string[] = [];
  let id = providerModelId.trim();
  const variant = OPENROUTER_VARIANT.exec(id);
  if (variant) {
    id = variant[1];
    rules.push(`variant :${variant[2]}`);
  }
  const plan =
    /^(?:\d+-month-commitment|no-commitment|(?:(?:low|medium|high|hd|standard)\/)?(?:\d+|max)-x-(?:\d+|max)(?:\/(?:\d+|max)-steps)?)\//.exec(
      id,
    );
  if (plan && id.length > plan[0].length) {
    id = id.slice(plan[0].length);
    rules.push(`variant ${plan[0]}`);
  }
  const pr = PROVIDER_RULES[provider];
  for (const re of pr?.prefixes ?? []) {
    const m = re.exec(id);
    if (m && id.length > m[0].length) {
      id = id.slice(m[0].length);
      rules.push(`prefix ${m[0]}`);
    }
  }
  let creator: string | null = null;
  let creatorGiven = false;
  const bedrock = BEDROCK_VENDOR.exec(id);
  if (bedrock && (provider === 'bedrock' || provider === 'sagemaker' || !id.includes('/'))) {
    creator = bedrock[1];
    rules.push(`vendor prefix ${id.slice(0, id.length - bedrock[2].length)}`);
    id = bedrock[2];
    for (const re of BEDROCK_VERSION) {
      const m = re.exec(id);
      if (m) {
        id = id.slice(0, m.index);
        rules.push(`version ${m[0]}`);
        break;
      }
    }
  }
  // Bedrock ids without the vendor prefix (`claude-sonnet-4-5-20250929-v1:0`, `amazon-nova/nova-lite-v1`) still
  // carry Bedrock's model version.
  if (provider === 'bedrock' && !bedrock) {
    for (const re of BEDROCK_VERSION) {
      const m = re.exec(id);
      if (m && m.index > 0) {
        id = id.slice(0, m.index);
        rules.push(`version ${m[0]}`);
        break;
      }
    }
  }
  const parts = id.split('/').filter(Boolean);
  let name = parts[parts.length - 1] ?? id;
  // Fireworks spells a version's decimal point as `p` (`deepseek-v3p1`, `qwen2p5-72b-instruct`, `kimi-k2p5`).
  if (provider === 'fireworks' && /\dp\d/.test(name)) {
    name = name.replace(/(\d)p(\d)/g, '$1.$2');
    rules.push('decimal p');
  }
  if (parts.length >= 2) {
    const ns = parts[parts.length - 2];
    // `openai/gpt-4o`, `meta-llama/Llama-3.1-8B-Instruct`: a namespace; `TEE/…`, `chat-completion/models/…`: a path.
    const path = /^[A-Z]{2,5}$/.test(ns) && !creatorSlug(ns);
    if (!path && (creatorSlug(ns) || parts.length === 2) && !creator) {
      creator = ns;
      creatorGiven = true;
    }
    if (parts.length > 2) rules.push(`path ${parts.slice(0, -1).join('/')}/`);
  }
  // `openai-gpt-oss-120b` (DigitalOcean, Venice): a creator prefix glued to the name.
  if (!creator) {
    for (let dash = name.indexOf('-'); dash > 0; dash = name.indexOf('-', dash + 1)) {
      const [ns, rest] = [name.slice(0, dash), name.slice(dash + 1)];
      if (creatorSlug(ns) && rest && inferCreator(rest) === creatorSlug(ns)) {
        creator = ns;
        name = rest;
        rules.push(`creator prefix ${ns}-`);
        break;
      }
    }
  }
  for (const re of pr?.suffixes ?? []) {
    const m = re.exec(name);
    if (m) {
      name = name.slice(0, m.index);
      rules.push(`suffix ${m[0]}`);
    }
  }
  if (!creator) {
    const inferred = inferCreator(name);
    if (inferred) {
      creator = inferred;
      rules.push(`creator from name`);
    }
  }
  const list: ModelCandidate[] = [{ creator, creatorGiven, name, snapshot: null, rules: [...rules] }];
  let primary = 0;
  const snap = splitSnapshot(name);
  if (snap) {
    list.push({ creator, name: snap.family, snapshot: snap.snapshot, rules: [...rules, `snapshot ${snap.snapshot}`] });
    // A dated id makes its family the model; `-latest` is the family itself.
    primary = 1;
  }
  // Serving variants (Nebius `-fast`, Together `-Turbo`): only when the plain name is a known model.
  const base = list[list.length - 1];
  for (const re of pr?.serving ?? []) {
    const m = re.exec(base.name);
    if (m) {
      list.push({ ...base, name: base.name.slice(0, m.index), rules: [...base.rules, `serving variant ${m[0]}`] });
    }
  }
  // HF renamed `Meta-Llama-3.1-…` to `Llama-3.1-…`: both spellings meet.
  for (const c of [...list]) {
    if (/^meta-llama-/i.test(c.name))
      list.push({ ...c, name: c.name.replace(/^meta-/i, ''), rules: [...c.rules, 'Meta- prefix'] });
  }
  return { list, primary };
}

/** The offering's variant label (a free tier, a commitment plan, an image quality), or null. */
export function offeringVariant(provider: string, providerModelId: string): string | null {
  const v = OPENROUTER_VARIANT.exec(providerModelId);
  if (v) return v[2];
  const plan = /^(\d+-month-commitment|no-commitment)\//.exec(providerModelId);
  if (plan) return plan[1];
  // Image qualities and sizes (`low/1024-x-1024/`, `1024-x-1536/`, `512-x-512/50-steps/`): offerings of one model.
  const image = /^(?:(low|medium|high|hd|standard)\/)?((?:\d+|max)-x-(?:\d+|max))\/(?:((?:\d+|max)-steps)\/)?/.exec(
    providerModelId,
  );
  if (image) return [image[1], image[2].replace(/-x-/, '×'), image[3]?.replace('-', ' ')].filter(Boolean).join(' ');
  if (provider === 'nebius' && /-fast$/.test(providerModelId)) return 'fast';
  return null;
}

/** The model id a new model gets: `creator/name`, creator from the candidate, else the provider serving it. */
export function newModelId(candidate: ModelCandidate, provider: string): string {
  const clean = (s: string) =>
    s
      .replace(/[^\w.-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 100) || 'model';
  const creator = candidate.creator
    ? candidate.creatorGiven
      ? candidate.creator
      : (creatorSlug(candidate.creator) ?? candidate.creator)
    : provider;
  return `${clean(creator)}/${clean(candidate.name)}`;
}

/** A Hugging Face repo id from a URL or id (`https://huggingface.co/openai/gpt-oss-120b` → `openai/gpt-oss-120b`). */
export function hfRepoId(value: unknown): string | null {
  if (typeof value !== 'string' || !value.trim()) return null;
  const m = /^(?:https?:\/\/huggingface\.co\/)?([\w.-]+\/[\w.-]+)\/?$/.exec(value.trim());
  return m ? m[1] : null;
}
