import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Principal, Roles } from '@mph/api-core';
import { RepriceDto, RepriceResultDto } from '../dto/usage.dto';
import { RepricingService } from '../services/repricing.service';

/** Operators re-price a window after a price correction: originals stay, adjustments are written and audited. */
@ApiTags('costs')
@Roles('operator', 'admin')
@Controller('costs')
export class RepricingController {
  constructor(private readonly repricing: RepricingService) {}

  @Post('reprice')
  @HttpCode(200)
  @ApiOperation({ summary: 'Recompute a window’s costs with the price history as it is now; `dry_run` only counts.' })
  @ApiOkResponse({ type: RepriceResultDto })
  repriceCosts(@CurrentUser() by: Principal, @Body() body: RepriceDto): Promise<RepriceResultDto> {
    return this.repricing.reprice(by, {
      from: new Date(body.from),
      to: new Date(body.to),
      provider: body.provider,
      model: body.model,
      offeringId: body.offering_id,
      reason: body.reason,
      dryRun: body.dry_run === true,
    });
  }
}
