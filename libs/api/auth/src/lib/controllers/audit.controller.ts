import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPaginatedResponse, Paginated, pageWindow, paginated, Roles } from '@mph/api-core';
import { AuditEventDto, AuditQueryDto } from '../dto/audit.dto';
import { AuditService } from '../services/audit.service';

@ApiTags('audit')
// Operators read it too: prices, syncs and catalog edits are their work (the console's Admin › Audit log).
@Roles('admin', 'operator')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'Audit events, newest first.' })
  @ApiPaginatedResponse(AuditEventDto)
  async listAuditEvents(@Query() query: AuditQueryDto): Promise<Paginated<AuditEventDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.audit.list(
      {
        actorId: query.actor_id,
        action: query.action,
        targetType: query.target_type,
        targetId: query.target_id,
        from: query.from,
        to: query.to,
      },
      window,
    );
    return paginated(rows.map(AuditEventDto.from), total, window);
  }
}
