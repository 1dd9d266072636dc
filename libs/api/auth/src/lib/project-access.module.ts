import { Module } from '@nestjs/common';
import { AuditModule } from './audit.module';
import { ProjectAccess } from './services/project-access.service';

/** Which project a caller names and whether they may use it, for chat, the gateway, usage and budgets. */
@Module({
  imports: [AuditModule],
  providers: [ProjectAccess],
  exports: [ProjectAccess],
})
export class ProjectAccessModule {}
