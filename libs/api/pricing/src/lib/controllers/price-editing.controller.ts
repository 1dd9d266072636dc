import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, DomainError, Principal, Roles } from '@mph/api-core';
import {
  BulkPreviewDto,
  BulkPriceDto,
  LockPricesDto,
  PriceLockDto,
  PricePreviewDto,
  SetPriceDto,
} from '../dto/price-editing.dto';
import type { PriceLockEntity } from '../entities';
import { PriceEditingService } from '../services/price-editing.service';

const lockDto = (l: PriceLockEntity): PriceLockDto => ({
  offering_id: l.offeringId,
  locked_by: l.lockedBy,
  locked_at: l.lockedAt.toISOString(),
  reason: l.reason,
});

/** Operators set prices (with a diff preview), change a provider's prices by a percentage, and lock offerings. */
@ApiTags('price-editing')
@Roles('operator', 'admin')
@Controller()
export class PriceEditingController {
  constructor(private readonly editing: PriceEditingService) {}

  @Post('offerings/:id/prices')
  @HttpCode(200)
  @ApiOperation({
    summary: 'New prices for an offering from an instant (now or future): `dry_run` previews the diff only.',
  })
  @ApiOkResponse({ type: PricePreviewDto })
  setOfferingPrice(
    @CurrentUser() by: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: SetPriceDto,
  ): Promise<PricePreviewDto> {
    return this.editing.setPrice(by, id, body);
  }

  @Post('prices/bulk')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change every priced offering of a provider by a percentage; `dry_run` previews.' })
  @ApiOkResponse({ type: BulkPreviewDto })
  bulkChangePrices(@CurrentUser() by: Principal, @Body() body: BulkPriceDto): Promise<BulkPreviewDto> {
    return this.editing.bulkChange(by, body);
  }

  @Get('offerings/:id/prices/lock')
  @ApiOkResponse({ type: PriceLockDto })
  async getPriceLock(@Param('id', new ParseUUIDPipe()) id: string): Promise<PriceLockDto> {
    const lock = await this.editing.lockOf(id);
    if (!lock) throw DomainError.notFound('PRICE_NOT_LOCKED', 'This offering’s prices are not locked.');
    return lockDto(lock);
  }

  @Put('offerings/:id/prices/lock')
  @ApiOperation({ summary: 'Lock the offering’s prices: sync leaves them alone until unlocked.' })
  @ApiOkResponse({ type: PriceLockDto })
  async lockPrices(
    @CurrentUser() by: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: LockPricesDto,
  ): Promise<PriceLockDto> {
    return lockDto(await this.editing.lock(by, id, body.reason));
  }

  @Delete('offerings/:id/prices/lock')
  @HttpCode(204)
  @ApiNoContentResponse()
  unlockPrices(@CurrentUser() by: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.editing.unlock(by, id);
  }
}
