import { Body, Controller, Delete, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Principal, Roles } from '@mph/api-core';
import {
  CreateModelDto,
  CreateOfferingDto,
  CreateVendorDto,
  UpdateModelDto,
  UpdateOfferingDto,
  UpdateVendorDto,
} from '../dto/editing.dto';
import { IdentityChangeDto, MergeModelDto, MoveOfferingDto, SplitModelDto } from '../dto/identity.dto';
import { ModelDetailDto, ModelIdParams, OfferingDto } from '../dto/models.dto';
import { VendorDto } from '../dto/vendors.dto';
import { CatalogEditingService } from '../services/catalog-editing.service';
import { IdentityEditingService } from '../services/identity-editing.service';
import { ModelsQueryService } from '../services/models-query.service';
import type { OfferingEntity } from '../entities';

const offeringDto = (o: OfferingEntity): OfferingDto => ({
  id: o.id,
  provider: o.providerSlug,
  provider_model_id: o.providerModelId,
  context_window: o.contextWindow,
  max_output: o.maxOutput,
  status: o.status,
});

/** Operators (and admins) create, edit and delete vendors, models and offerings; deletes are soft; all is audited. */
@ApiTags('catalog-editing')
@Roles('operator', 'admin')
@Controller()
export class CatalogEditingController {
  constructor(
    private readonly editing: CatalogEditingService,
    private readonly models: ModelsQueryService,
    private readonly identity: IdentityEditingService,
  ) {}

  @Post('vendors')
  @ApiCreatedResponse({ type: VendorDto })
  async createVendor(@CurrentUser() by: Principal, @Body() body: CreateVendorDto): Promise<VendorDto> {
    return VendorDto.from(await this.editing.createVendor(by, body), { models: 0, offerings: 0 });
  }

  @Patch('vendors/:slug')
  @ApiOkResponse({ type: VendorDto })
  async updateVendor(
    @CurrentUser() by: Principal,
    @Param('slug') slug: string,
    @Body() body: UpdateVendorDto,
  ): Promise<VendorDto> {
    const vendor = await this.editing.updateVendor(by, slug, body);
    const counts = await this.models.vendorCounts(slug);
    return VendorDto.from(vendor, counts);
  }

  @Delete('vendors/:slug')
  @HttpCode(204)
  @ApiOperation({ summary: 'Soft-delete a vendor that serves no offerings.' })
  @ApiNoContentResponse()
  deleteVendor(@CurrentUser() by: Principal, @Param('slug') slug: string): Promise<void> {
    return this.editing.deleteVendor(by, slug);
  }

  @Post('models')
  @ApiCreatedResponse({ type: ModelDetailDto })
  async createModel(@CurrentUser() by: Principal, @Body() body: CreateModelDto): Promise<ModelDetailDto> {
    const model = await this.editing.createModel(by, body);
    return this.models.detail(model.id);
  }

  @Patch('models/:owner/:name')
  @ApiOperation({
    summary: 'Edit capabilities, names, aliases or the deprecation date of a model.',
    description:
      "A capability value that differs from the one shown is kept over every feed's (precedence: operator > models.dev " +
      '> OpenRouter > LiteLLM), through later syncs; null hands the field back to the feeds. Values sent unchanged ' +
      'decide nothing.',
  })
  @ApiOkResponse({ type: ModelDetailDto })
  async updateModel(
    @CurrentUser() by: Principal,
    @Param() p: ModelIdParams,
    @Body() body: UpdateModelDto,
  ): Promise<ModelDetailDto> {
    const model = await this.editing.updateModel(by, `${p.owner}/${p.name}`, body);
    return this.models.detail(model.id);
  }

  @Post('models/:owner/:name/merge')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Merge this model into another: its offerings move there (pinned), it is removed and its id becomes an alias.',
    description: 'dry_run: true answers what would change. Audited; later syncs keep the decision.',
  })
  @ApiOkResponse({ type: IdentityChangeDto })
  mergeModel(
    @CurrentUser() by: Principal,
    @Param() p: ModelIdParams,
    @Body() body: MergeModelDto,
  ): Promise<IdentityChangeDto> {
    return this.identity.merge(by, `${p.owner}/${p.name}`, body);
  }

  @Post('models/:owner/:name/split')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Split offerings of this model off into a new model (pinned there).',
    description: 'dry_run: true answers what would change. Audited; later syncs keep the decision.',
  })
  @ApiOkResponse({ type: IdentityChangeDto })
  splitModel(
    @CurrentUser() by: Principal,
    @Param() p: ModelIdParams,
    @Body() body: SplitModelDto,
  ): Promise<IdentityChangeDto> {
    return this.identity.split(by, `${p.owner}/${p.name}`, body);
  }

  @Post('offerings/:id/move')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Move an offering to another model (pinned there).',
    description: 'dry_run: true answers what would change. Audited; later syncs keep the decision.',
  })
  @ApiOkResponse({ type: IdentityChangeDto })
  moveOffering(
    @CurrentUser() by: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: MoveOfferingDto,
  ): Promise<IdentityChangeDto> {
    return this.identity.move(by, id, body);
  }

  @Delete('models/:owner/:name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Soft-delete a model and its offerings.' })
  @ApiNoContentResponse()
  deleteModel(@CurrentUser() by: Principal, @Param() p: ModelIdParams): Promise<void> {
    return this.editing.deleteModel(by, `${p.owner}/${p.name}`);
  }

  @Post('offerings')
  @ApiCreatedResponse({ type: OfferingDto })
  async createOffering(@CurrentUser() by: Principal, @Body() body: CreateOfferingDto): Promise<OfferingDto> {
    return offeringDto(await this.editing.createOffering(by, body));
  }

  @Patch('offerings/:id')
  @ApiOkResponse({ type: OfferingDto })
  async updateOffering(
    @CurrentUser() by: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateOfferingDto,
  ): Promise<OfferingDto> {
    return offeringDto(await this.editing.updateOffering(by, id, body));
  }

  @Delete('offerings/:id')
  @HttpCode(204)
  @ApiNoContentResponse()
  deleteOffering(@CurrentUser() by: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.editing.deleteOffering(by, id);
  }
}
