import { Body, Controller, Get, HttpCode, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AcceptApiKeyScopes, Authenticated, CurrentUser, Principal, Roles } from '@mph/api-core';
import { FxRatesDto, FxRatesQueryDto, SetFxRatesDto, SetFxRatesResultDto } from '../dto/fx.dto';
import { FxRatesService } from '../services/fx-rates.service';

/** Exchange rates into USD, the reporting currency: anyone signed in reads them, operators set them. */
@ApiTags('costs')
@Controller('fx-rates')
export class FxRatesController {
  constructor(private readonly fx: FxRatesService) {}

  @Get()
  @Authenticated()
  @AcceptApiKeyScopes('usage:read')
  @ApiOperation({ summary: 'Daily exchange rates (USD per unit), newest first per currency.' })
  @ApiOkResponse({ type: FxRatesDto })
  listFxRates(@Query() q: FxRatesQueryDto): Promise<FxRatesDto> {
    return this.fx.list(q);
  }

  @Put()
  @HttpCode(200)
  @Roles('operator', 'admin')
  @ApiOperation({
    summary: 'Set daily exchange rates (audited). Events recorded afterwards store the rate of their usage date.',
  })
  @ApiOkResponse({ type: SetFxRatesResultDto })
  setFxRates(@CurrentUser() by: Principal, @Body() body: SetFxRatesDto): Promise<SetFxRatesResultDto> {
    return this.fx.set(by, body.rates, body.source);
  }
}
