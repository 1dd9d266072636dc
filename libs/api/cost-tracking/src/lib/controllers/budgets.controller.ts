import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AcceptApiKeyScopes,
  ApiListResponse,
  Authenticated,
  CurrentUser,
  Listed,
  listOf,
  Principal,
} from '@mph/api-core';
import { BudgetDto, CreateBudgetDto, UpdateBudgetDto } from '../dto/budgets.dto';
import { BudgetsService } from '../services/budgets.service';

/** Budgets with their spend this period; members manage budgets on their own usage and keys (keys: budgets:write). */
@ApiTags('budgets')
@Authenticated()
@AcceptApiKeyScopes('usage:read')
@Controller('budgets')
export class BudgetsController {
  constructor(private readonly budgets: BudgetsService) {}

  @Get()
  @ApiListResponse(BudgetDto)
  async listBudgets(@CurrentUser() by: Principal): Promise<Listed<BudgetDto>> {
    return listOf(await this.budgets.list(by));
  }

  // Budget writes need a sign-in or a key made for them: a read-only key must not lift (or set) a hard cap.
  @Post()
  @AcceptApiKeyScopes('budgets:write')
  @ApiOperation({ summary: 'A daily or monthly budget on a user, project or API key; hard ones block calls with 402.' })
  @ApiCreatedResponse({ type: BudgetDto })
  createBudget(@CurrentUser() by: Principal, @Body() body: CreateBudgetDto): Promise<BudgetDto> {
    return this.budgets.create(by, body);
  }

  @Patch(':id')
  @AcceptApiKeyScopes('budgets:write')
  @ApiOperation({
    summary: 'Change a budget’s name, amount, mode or webhook (audited); its scope and period stay.',
  })
  @ApiOkResponse({ type: BudgetDto })
  updateBudget(
    @CurrentUser() by: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateBudgetDto,
  ): Promise<BudgetDto> {
    return this.budgets.update(by, id, body);
  }

  @Delete(':id')
  @AcceptApiKeyScopes('budgets:write')
  @HttpCode(204)
  @ApiNoContentResponse()
  deleteBudget(@CurrentUser() by: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.budgets.remove(by, id);
  }
}
