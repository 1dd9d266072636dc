import { Module } from '@nestjs/common';
import { AuditModule } from './audit.module';
import { ProjectAccess } from './services/project-access.service';
import { IdentityDirectory } from './services/identity-directory.service';
import { ProjectsService } from './services/projects.service';

/**
 * Which project a caller names and whether they may use it, and who a user or API key id is: for chat, the gateway,
 * usage, reports and budgets.
 */
@Module({
  imports: [AuditModule],
  providers: [ProjectAccess, IdentityDirectory, ProjectsService],
  exports: [ProjectAccess, IdentityDirectory, ProjectsService],
})
export class ProjectAccessModule {}
