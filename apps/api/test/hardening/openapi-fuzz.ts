/**
 * A request generator driven by the OpenAPI document: for every operation, a plausible request built from its
 * schemas, then invalid and boundary variants of each part of it (path, query, body, auth). No dependency: the
 * document only uses a small part of JSON Schema (refs, allOf, enums, formats, bounds, arrays, nullable).
 */

export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  nullable?: boolean;
  additionalProperties?: boolean | Schema;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
  example?: unknown;
}

interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  security?: Array<Record<string, string[]>>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface FuzzRequest {
  /** What this request tries, for failure reports: `POST /api/v1/budgets body.amount = -1e308`. */
  label: string;
  method: string;
  /** The path template of the operation, e.g. `/api/v1/models/{id}`. */
  route: string;
  url: string;
  /** A raw body (already serialized), or undefined. */
  body?: string;
  contentType?: string;
  /** Send the caller's credentials (false: the anonymous variant). */
  auth: boolean;
  /** Whether the operation declares a security requirement. */
  secured: boolean;
}

/** Values of every wrong kind: types, bounds, sizes, encodings, injections. */
export const HOSTILE_VALUES: Array<[string, unknown]> = [
  ['null', null],
  ['true', true],
  ['0', 0],
  ['-1', -1],
  ['-1e308', -1e308],
  ['1e308', 1e308],
  ['2^63', 9223372036854775808],
  ['1.5', 1.5],
  ['empty string', ''],
  ['spaces', '   '],
  ['100k string', 'x'.repeat(100_000)],
  ['digits 400', '9'.repeat(400)],
  ['NaN string', 'NaN'],
  ['emoji', '😀🚀 zalgo z̷̛a̶l̴g̸o RTL \u202e'],
  ['NUL', 'a\u0000b'],
  ['lone surrogate', '\ud800'],
  ['sql', "' OR '1'='1'; DROP TABLE users; --"],
  ['html', '<script>alert(1)</script>'],
  ['template', '{{7*7}} ${7*7} #{7*7}'],
  ['path traversal', '../../../../etc/passwd'],
  ['url', 'http://127.0.0.1:1/'],
  ['array', ['x', 1]],
  ['object', { a: 1 }],
  ['prototype', JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}')],
];

/** Query string values that are wrong in the same ways (they are always strings on the wire). */
export const HOSTILE_QUERY: Array<[string, string]> = [
  ['empty', ''],
  ['-1', '-1'],
  ['0', '0'],
  ['1e309', '1e309'],
  ['2^64', '18446744073709551616'],
  ['1.5', '1.5'],
  ['NaN', 'NaN'],
  ['100k', 'x'.repeat(100_000)],
  ['not a date', '2026-13-45T99:99:99Z'],
  ['year 300000', '+300000-01-01T00:00:00Z'],
  ['unicode', '😀\u202e'],
  ['NUL', 'a%00b'],
  ['sql', "' OR 1=1 --"],
  ['brackets', '[]'],
];

/** Path segment values (already encoded for the URL). */
export const HOSTILE_PATH: Array<[string, string]> = [
  ['not a uuid', 'not-a-uuid'],
  ['nil uuid', '00000000-0000-0000-0000-000000000000'],
  ['uppercase uuid', 'AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA'],
  ['10k', 'y'.repeat(10_000)],
  ['NUL', 'a%00b'],
  ['encoded traversal', '..%2F..%2Fetc%2Fpasswd'],
  ['emoji', '%F0%9F%98%80'],
  ['bad percent', '%E0%A4%A'],
  ['sql', encodeURIComponent("1' OR '1'='1")],
  ['integer', '1'],
];

export class OpenApiFuzzer {
  constructor(private readonly doc: OpenApiDocument) {}

  private resolve(schema: Schema | undefined, depth = 0): Schema {
    if (!schema || depth > 8) return {};
    if (schema.$ref) {
      const name = schema.$ref.replace('#/components/schemas/', '');
      return this.resolve(this.doc.components?.schemas?.[name], depth + 1);
    }
    if (schema.allOf) {
      const parts = schema.allOf.map((s) => this.resolve(s, depth + 1));
      return parts.reduce<Schema>(
        (acc, s) => ({
          ...acc,
          ...s,
          properties: { ...acc.properties, ...s.properties },
          required: [...(acc.required ?? []), ...(s.required ?? [])],
        }),
        { ...schema, allOf: undefined },
      );
    }
    const choices = schema.oneOf?.length ? schema.oneOf : schema.anyOf;
    if (choices?.length) return this.resolve(choices[0], depth + 1);
    return schema;
  }

  /** A value the schema accepts, as far as the document says: its example, default or enum first. */
  sample(raw: Schema | undefined, depth = 0): unknown {
    const s = this.resolve(raw);
    if (s.example !== undefined) return s.example;
    if (s.default !== undefined) return s.default;
    if (s.enum?.length) return s.enum[0];
    switch (s.type) {
      case 'object':
      case undefined: {
        if (!s.properties || depth > 5) return {};
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(s.properties)) out[k] = this.sample(v, depth + 1);
        return out;
      }
      case 'array': {
        const n = Math.max(1, s.minItems ?? 0);
        return Array.from({ length: n }, () => this.sample(s.items, depth + 1));
      }
      case 'number':
      case 'integer':
        return s.minimum !== undefined ? s.minimum : s.maximum !== undefined ? Math.min(1, s.maximum) : 1;
      case 'boolean':
        return false;
      case 'string':
        switch (s.format) {
          case 'uuid':
            return '6f1c2b8e-3d4a-4e5f-9a6b-7c8d9e0f1a2b';
          case 'date-time':
            return '2026-01-01T00:00:00.000Z';
          case 'date':
            return '2026-01-01';
          case 'email':
            return 'fuzz@example.com';
          case 'uri':
            return 'https://example.com/';
          default:
            return 'f'.repeat(Math.max(3, Math.min(s.minLength ?? 0, s.maxLength ?? 64)));
        }
      default:
        return null;
    }
  }

  /** Every request the fuzzer sends: per operation, the plausible one and its hostile variants. */
  requests(): FuzzRequest[] {
    const out: FuzzRequest[] = [];
    for (const [route, ops] of Object.entries(this.doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        out.push(...this.forOperation(route, method.toUpperCase(), op));
      }
    }
    return out;
  }

  private forOperation(route: string, method: string, op: Operation): FuzzRequest[] {
    const params = op.parameters ?? [];
    const pathValues: Record<string, string> = {};
    for (const p of params.filter((p) => p.in === 'path')) {
      pathValues[p.name] = encodeURIComponent(String(p.example ?? this.sample(p.schema)));
    }
    const query: Record<string, string> = {};
    for (const p of params.filter((p) => p.in === 'query' && p.required)) {
      query[p.name] = String(p.example ?? this.sample(p.schema));
    }
    const bodySchema = op.requestBody?.content?.['application/json']?.schema;
    const body = bodySchema ? (this.sample(bodySchema) as Record<string, unknown>) : undefined;
    const secured = Boolean(op.security?.length);
    const build = (
      label: string,
      parts: { path?: Record<string, string>; query?: Record<string, string>; body?: string | null; auth?: boolean },
    ): FuzzRequest => {
      const pv = parts.path ?? pathValues;
      const url =
        route.replace(/\{([^}]+)\}/g, (_, name: string) => pv[name] ?? 'x') + queryString(parts.query ?? query);
      const raw = parts.body === undefined ? (body === undefined ? undefined : JSON.stringify(body)) : parts.body;
      return {
        label: `${method} ${route} ${label}`,
        method,
        route,
        url,
        body: raw ?? undefined,
        contentType: raw === undefined || raw === null ? undefined : 'application/json',
        auth: parts.auth ?? true,
        secured,
      };
    };

    const list: FuzzRequest[] = [build('as documented', {})];
    if (secured) list.push(build('without credentials', { auth: false }));
    for (const p of params.filter((p) => p.in === 'path')) {
      for (const [name, value] of HOSTILE_PATH)
        list.push(build(`path.${p.name} = ${name}`, { path: { ...pathValues, [p.name]: value } }));
    }
    for (const p of params.filter((p) => p.in === 'query')) {
      for (const [name, value] of HOSTILE_QUERY) {
        list.push(build(`query.${p.name} = ${name}`, { query: { ...query, [p.name]: value } }));
      }
      list.push(
        build(`query.${p.name} twice`, {
          query: { ...query, [p.name]: String(p.example ?? this.sample(p.schema)), [`${p.name}\u0000dup`]: 'x' },
        }),
      );
    }
    if (body !== undefined && typeof body === 'object' && body !== null && !Array.isArray(body)) {
      for (const key of Object.keys(body)) {
        for (const [name, value] of HOSTILE_VALUES) {
          list.push(build(`body.${key} = ${name}`, { body: JSON.stringify({ ...body, [key]: value }) }));
        }
        const without = { ...body };
        delete without[key];
        list.push(build(`body without ${key}`, { body: JSON.stringify(without) }));
      }
      list.push(
        build('body with unknown fields', {
          body: JSON.stringify({ ...body, role: 'admin', is_admin: true, id: '6f1c2b8e-3d4a-4e5f-9a6b-7c8d9e0f1a2b' }),
        }),
      );
    }
    if (body !== undefined || ['POST', 'PUT', 'PATCH'].includes(method)) {
      for (const [name, raw] of RAW_BODIES) list.push(build(`raw body ${name}`, { body: raw }));
    }
    return list;
  }
}

/** Bodies that are not the object an operation expects. */
export const RAW_BODIES: Array<[string, string]> = [
  ['not JSON', '{"a": '],
  ['array', '[1, 2, 3]'],
  ['string', '"text"'],
  ['number', '1e999'],
  ['null', 'null'],
  ['deep nesting', '['.repeat(5000) + ']'.repeat(5000)],
  ['duplicate keys', '{"a": 1, "a": 2}'],
  ['huge number', `{"n": ${'9'.repeat(5000)}}`],
];

function queryString(q: Record<string, string>): string {
  const parts = Object.entries(q).map(([k, v]) => {
    const key = k.includes('\u0000dup') ? k.split('\u0000')[0] : k;
    // Values with % are sent as they are (pre-encoded hostile values), others encoded.
    return `${encodeURIComponent(key)}=${v.includes('%') ? v : encodeURIComponent(v)}`;
  });
  return parts.length ? `?${parts.join('&')}` : '';
}
