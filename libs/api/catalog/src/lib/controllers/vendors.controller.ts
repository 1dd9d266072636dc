import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  AcceptApiKeyScopes,
  ApiListResponse,
  CacheFor,
  DomainError,
  Listed,
  listOf,
  Public,
  query,
} from '@mph/api-core';
import { DataSource, IsNull } from 'typeorm';
import { VendorDto } from '../dto/vendors.dto';
import { VendorEntity } from '../entities';

@ApiTags('vendors')
@Public()
@CacheFor(60, 'catalog')
@AcceptApiKeyScopes('catalog:read')
@Controller('vendors')
export class VendorsController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Get()
  @ApiOperation({ summary: 'Model creators, inference providers and aggregators.' })
  @ApiListResponse(VendorDto)
  async listVendors(): Promise<Listed<VendorDto>> {
    const vendors = await this.dataSource
      .getRepository(VendorEntity)
      .find({ where: { deletedAt: IsNull() }, order: { slug: 'ASC' } });
    const counts = await this.counts();
    return listOf(await vendors.map((v) => VendorDto.from(v, counts.get(v.slug) ?? { models: 0, offerings: 0 })));
  }

  @Get(':slug')
  @ApiOkResponse({ type: VendorDto })
  async getVendor(@Param('slug') slug: string): Promise<VendorDto> {
    const vendor = await this.dataSource.getRepository(VendorEntity).findOne({ where: { slug, deletedAt: IsNull() } });
    if (!vendor) throw DomainError.notFound('VENDOR_NOT_FOUND', `No vendor "${slug.slice(0, 64)}".`);
    return VendorDto.from(vendor, (await this.counts(slug)).get(slug) ?? { models: 0, offerings: 0 });
  }

  private async counts(slug?: string): Promise<Map<string, { models: number; offerings: number }>> {
    const rows = await query<{ slug: string; models: number; offerings: number }>(
      this.dataSource,
      `SELECT v.slug,
              (SELECT count(*)::int FROM models m WHERE m.creator_vendor = v.slug AND m.deleted_at IS NULL) AS models,
              (SELECT count(*)::int FROM offerings o WHERE o.provider_slug = v.slug AND o.deleted_at IS NULL) AS offerings
         FROM vendors v WHERE $1::text IS NULL OR v.slug = $1`,
      [slug ?? null],
    );
    return new Map(rows.map((r) => [r.slug, { models: r.models, offerings: r.offerings }]));
  }
}
