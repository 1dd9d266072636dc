import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/** Sorts object keys at every depth (arrays keep their order), so the document does not depend on how it was built. */
function sortDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortDeep) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sortDeep(v)]),
    ) as T;
  }
  return value;
}

/**
 * The OpenAPI document of the running app, with paths and schemas sorted and operationIds taken from the
 * handler names (unique across the API, checked here), so the committed file and the generated client are stable.
 */
export function buildOpenApiDocument(app: INestApplication, version: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Model Price Hub API')
    .setDescription(
      'Catalog, prices and cost tracking for AI models. Errors answer `{"error":{"code","message","details"}}`; ' +
        'lists answer `{"data":[...],"meta":{"page","per_page","total"}}`. Money is a decimal string.',
    )
    .setVersion(version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT or mph_ API key' })
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controllerKey: string, methodKey: string) => methodKey,
  });
  const seen = new Map<string, string>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const id = (op as { operationId?: string }).operationId;
      if (!id) continue;
      const where = `${method.toUpperCase()} ${path}`;
      if (seen.has(id))
        throw new Error(`operationId "${id}" is used by both ${seen.get(id)} and ${where}; rename a handler.`);
      seen.set(id, where);
    }
  }
  if (document.tags) document.tags = [...document.tags].sort((a, b) => a.name.localeCompare(b.name));
  return sortDeep(document);
}
