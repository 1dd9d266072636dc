import { Controller, Get, Header, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Public } from '../access/access.decorators';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { DomainError } from '../errors/domain-error';
import { MetricsService } from './metrics.service';

/**
 * Prometheus scrape endpoint at `/metrics` (outside the /api/v1 prefix). Open unless METRICS_TOKEN is set; then only
 * `Authorization: Bearer <METRICS_TOKEN>` is answered (compared in constant time).
 */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  private readonly tokenDigest?: Buffer;

  constructor(
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    if (config.http.metricsToken) this.tokenDigest = digest(config.http.metricsToken);
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (this.tokenDigest) {
      const [scheme, token] = (req.headers.authorization ?? '').split(' ');
      if (scheme?.toLowerCase() !== 'bearer' || !token || !timingSafeEqual(digest(token), this.tokenDigest)) {
        throw new DomainError(
          401,
          'UNAUTHORIZED',
          'This server protects /metrics: send Authorization: Bearer <METRICS_TOKEN>.',
        );
      }
    }
    res.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}

/** Equal-length digests, so the comparison takes the same time whatever was sent. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
