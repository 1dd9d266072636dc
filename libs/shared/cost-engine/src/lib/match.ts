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
  // LiteLLM routes: `gemini/gemini-2.5-flash`, `vertex_ai/claude-…`, `together_ai/meta-llama/…`, `bedrock/converse/…`.
  const route = ROUTE.exec(m);
  if (route && LITELLM_ROUTES.has(route[1].toLowerCase())) {
    m = route[2];
    add(m);
    const sub = /^(converse|invoke|chat|completion|text|global|us|eu)\/(.+)$/.exec(m);
    if (sub) {
      m = sub[2];
      add(m);
    }
  }
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
  // OpenRouter's routing variants price as the model itself (`:free` is a model of its own, never stripped).
  const variant = /^(.+):(nitro|floor|exacto|thinking|extended|online)$/.exec(model.trim());
  if (variant) for (const c of matchCandidates(provider, variant[1])) add(c);
  return out;
}

const ROUTE = /^([A-Za-z0-9_.-]+)\/(.+)$/;

/** The provider prefixes LiteLLM users put before a model (LiteLLM's `custom_llm_provider` values). */
export const LITELLM_ROUTES: ReadonlySet<string> = new Set([
  'openai',
  'azure',
  'azure_ai',
  'azure_text',
  'anthropic',
  'gemini',
  'vertex_ai',
  'vertex_ai_beta',
  'bedrock',
  'bedrock_converse',
  'sagemaker',
  'together_ai',
  'groq',
  'fireworks_ai',
  'deepseek',
  'mistral',
  'codestral',
  'xai',
  'perplexity',
  'cohere',
  'cohere_chat',
  'databricks',
  'openrouter',
  'github_copilot',
  'github',
  'volcengine',
  'dashscope',
  'moonshot',
  'deepinfra',
  'cerebras',
  'sambanova',
  'nvidia_nim',
  'replicate',
  'huggingface',
  'ollama',
  'ollama_chat',
  'vllm',
  'hosted_vllm',
  'lm_studio',
  'watsonx',
  'ai21',
  'nlp_cloud',
  'aleph_alpha',
  'voyage',
  'jina_ai',
  'friendliai',
  'novita',
  'nebius',
  'hyperbolic',
  'lambda_ai',
  'featherless_ai',
  'nscale',
  'oci',
  'snowflake',
  'cloudflare',
  'text-completion-openai',
  'text-completion-codestral',
  'gradient_ai',
  'morph',
  'minimax',
  'zai',
  'meta_llama',
  'llama',
  'datarobot',
  'v0',
  'wandb',
  'heroku',
  'ovhcloud',
  'recraft',
  'baseten',
]);

/** The provider a model names by its LiteLLM route prefix (`gemini/…` → `gemini`), when it has one. */
export function routeProvider(model: string): string | null {
  const route = ROUTE.exec(model.trim());
  return route && LITELLM_ROUTES.has(route[1].toLowerCase()) ? route[1].toLowerCase() : null;
}

/** A model-id match clause in genai-prices' form: equals / starts_with / ends_with / contains / regex, or / and. */
export type MatchClause =
  | { equals: string }
  | { starts_with: string }
  | { ends_with: string }
  | { contains: string }
  | { regex: string }
  | { or: MatchClause[] }
  | { and: MatchClause[] };

/** Whether a model id satisfies a clause (case-insensitive, as clients vary in case); unknown clauses never match. */
export function matchesClause(clause: unknown, modelId: string): boolean {
  if (!clause || typeof clause !== 'object') return false;
  const c = clause as Record<string, unknown>;
  const id = modelId.toLowerCase();
  const s = (k: string) => (typeof c[k] === 'string' ? (c[k] as string).toLowerCase() : null);
  if (Array.isArray(c['or'])) return (c['or'] as unknown[]).some((x) => matchesClause(x, modelId));
  if (Array.isArray(c['and'])) return (c['and'] as unknown[]).every((x) => matchesClause(x, modelId));
  if (s('equals') !== null) return id === s('equals');
  if (s('starts_with') !== null) return id.startsWith(s('starts_with') as string);
  if (s('ends_with') !== null) return id.endsWith(s('ends_with') as string);
  if (s('contains') !== null) return id.includes(s('contains') as string);
  if (typeof c['regex'] === 'string') {
    try {
      return new RegExp(c['regex'] as string, 'i').test(modelId);
    } catch {
      return false;
    }
  }
  return false;
}
