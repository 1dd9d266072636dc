import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../access/access.decorators';
import { LivenessDto, StatusDto } from './health.dto';
import { HealthService } from './health.service';

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthService,
    private readonly checks: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
  ) {}

  @Get('health/live')
  @ApiOperation({ summary: 'Liveness: the process answers.' })
  @ApiOkResponse({ type: LivenessDto })
  getLiveness(): LivenessDto {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @ApiOperation({ summary: 'Readiness: the database answers. 503 in the error envelope when it does not.' })
  @HealthCheck({ swaggerDocumentation: true })
  getReadiness(): Promise<HealthCheckResult> {
    return this.checks.check([() => this.db.pingCheck('database', { timeout: 1500 })]);
  }

  @Get('status')
  @ApiOperation({ summary: 'Version, uptime and dependency state, for the console status page.' })
  @ApiOkResponse({ type: StatusDto })
  getStatus(): Promise<StatusDto> {
    return this.health.status();
  }
}
