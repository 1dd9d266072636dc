import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Roles } from '@mph/api-core';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { CatalogReportDto } from './catalog-report.dto';
import { IdentityReportService } from './catalog-report.service';

export class CatalogReportQueryDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 200, default: 20, description: 'Examples per list (unresolved, …).' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(200)
  sample?: number;
}

/** The whole catalog as the feeds built it: identities, coverage, what needs an operator. */
@ApiTags('sync')
@Roles('operator', 'admin')
@Controller('catalog-report')
export class CatalogReportController {
  constructor(private readonly reports: IdentityReportService) {}

  @Get()
  @ApiOperation({
    summary:
      'Models, offerings, offerings per model, feeds per offering, unresolved and ambiguous ids, held prices, ' +
      'capability conflicts, price disagreements and source freshness.',
  })
  @ApiOkResponse({ type: CatalogReportDto })
  getCatalogReport(@Query() q: CatalogReportQueryDto): Promise<CatalogReportDto> {
    return this.reports.report(q.sample ?? 20);
  }
}
