import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

function sortKeys<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).sort(([a], [b]) => a.localeCompare(b))) as T;
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
  document.paths = sortKeys(document.paths);
  if (document.components?.schemas) document.components.schemas = sortKeys(document.components.schemas);
  if (document.tags) document.tags = [...document.tags].sort((a, b) => a.name.localeCompare(b.name));
  return document;
}
