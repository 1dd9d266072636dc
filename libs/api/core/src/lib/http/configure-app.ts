import { Reflector } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import express, { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AppConfig } from '../config/app-config';
import { AllExceptionsFilter } from '../errors/all-exceptions.filter';
import { mapError, sendErrorJson, toOpenAiError } from '../errors/error-mapping';
import { QuietStartupLogger } from '../logging/quiet-startup.logger';
import { createValidationPipe } from '../errors/validation';
import { httpMetricsMiddleware } from '../metrics/http-metrics.middleware';
import { MetricsService } from '../metrics/metrics.service';
import { CacheHeadersInterceptor } from './cache-headers';
import { gzippedAssets } from './console-assets';
import { answerClientErrors } from './client-errors';
import { FastRoutes } from './fast-routes';
import { checkJsonBody } from './json-guard';
import { ResponseCache } from './response-cache';
import { buildOpenApiDocument } from './openapi';
import { requestId } from './request-id';
import { runWithRequestContext } from './request-context';

export const API_PREFIX = 'api/v1';

/** Paths the API owns; everything else may be the console. */
const API_PATHS = /^\/(api|metrics|v1|mcp)(\/|$)/;

/**
 * Everything an HTTP app needs before `listen`: security headers, CORS, body limits, the /api/v1 prefix,
 * validation, the error envelope, metrics, Swagger and (when built) the console at `/`.
 * The Nest app must be created with `bodyParser: false` and `bufferLogs: true`.
 */
export function configureApp(app: NestExpressApplication, config: AppConfig, version: string): void {
  app.useLogger(new QuietStartupLogger(app.get(Logger)));
  app.disable('x-powered-by');
  // X-Forwarded-For is believed only from proxies the operator names (TRUST_PROXY); otherwise req.ip is the peer.
  app.set('trust proxy', config.http.trustProxy);
  app.use((req: Request & { id?: string }, res: Response, next: NextFunction) => {
    req.id = requestId(req, res);
    runWithRequestContext({ requestId: req.id, ip: req.ip, userAgent: req.get('user-agent')?.slice(0, 300) }, next);
  });
  app.use(httpMetricsMiddleware(app.get(MetricsService)));
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      // Swagger UI and Angular Material need inline styles; scripts stay same-origin.
      // No upgrade-insecure-requests: the app is often served over plain http on a LAN address.
      directives: {
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'upgrade-insecure-requests': null,
      },
    },
  });
  app.use(securityHeaders);
  // Hot routes (the LLM gateway) are answered in front of Express, with the same headers, metric and access log.
  app.get(FastRoutes).attach(app.getHttpServer(), { headers: securityHeaders, metrics: app.get(MetricsService) });
  // Requests Node's parser refuses (oversized request line or headers, broken HTTP) also get the envelope.
  answerClientErrors(app.getHttpServer());
  app.enableCors({
    origin: config.http.corsOrigins.includes('*') ? true : config.http.corsOrigins,
    credentials: true,
    exposedHeaders: ['X-Request-Id', 'ETag', 'Retry-After'],
  });
  // The OpenAI-compatible gateway takes whole conversations (file context included): its own, larger limit.
  // Every JSON body is checked before parsing for what would crash the code after it (see checkJsonBody).
  const verify = (_req: unknown, _res: unknown, buf: Buffer) => checkJsonBody(buf);
  app.use('/v1', express.json({ limit: config.gateway.maxBodyBytes, verify }));
  // So does a chat message, which may carry files (a PDF travels base64-encoded).
  app.use(/^\/api\/v1\/sessions\/[^/]+\/messages$/, express.json({ limit: config.gateway.maxBodyBytes, verify }));
  app.use(
    express.json({
      limit: config.http.bodyLimitBytes,
      // Signed webhooks are verified over the exact bytes received; keep them for those routes only.
      verify: (req, res, buf) => {
        verify(req, res, buf);
        if ((req as Request).originalUrl?.startsWith('/api/v1/webhooks/'))
          (req as Request & { rawBody?: Buffer }).rawBody = buf;
      },
    }),
  );
  app.use(express.urlencoded({ extended: false, limit: config.http.bodyLimitBytes }));
  // Body-parser errors (oversized, malformed) happen before Nest routing: answer them in the envelope here.
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const mapped = mapError(error);
    // /v1 speaks OpenAI's error shape, so its SDKs can read the message.
    if (req.path.startsWith('/v1/')) {
      // The same shape and codes as the gateway's own answers (writeOpenAiError).
      sendErrorJson(res, mapped.status, { error: toOpenAiError(mapped) });
      return;
    }
    sendErrorJson(res, mapped.status, mapped.body);
  });
  app.setGlobalPrefix(API_PREFIX, { exclude: ['metrics', 'v1/{*path}', 'mcp'] });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useGlobalInterceptors(new CacheHeadersInterceptor(app.get(Reflector), app.get(ResponseCache)));

  if (config.http.swaggerEnabled) {
    const document = buildOpenApiDocument(app, version);
    SwaggerModule.setup('api/docs', app, document, {
      jsonDocumentUrl: 'api/docs/openapi.json',
      customSiteTitle: 'Model Price Hub API',
    });
  }
  serveConsole(app, config);
}

/** Serves the built console at `/` with an index.html fallback for client-side routes. */
function serveConsole(app: NestExpressApplication, config: AppConfig): void {
  const dir = resolve(config.http.adminStaticDir);
  const index = join(dir, 'index.html');
  if (!existsSync(index)) return;
  const assets = express.static(dir, { index: false, maxAge: '1h' });
  const gzipped = gzippedAssets(dir);
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (API_PATHS.test(req.path) || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    gzipped(req, res, () =>
      assets(req, res, () => {
        // index.html must not be cached: it names the hashed bundles of the current build.
        res.setHeader('Cache-Control', 'no-cache');
        res.sendFile(index);
      }),
    );
  });
}
