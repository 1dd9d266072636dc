import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HousekeepingJob } from './housekeeping.job';
import { JobRegistry } from './job-registry';
import { JobRunEntity } from './job-run.entity';
import { JobRunnerService } from './job-runner.service';
import { ExclusiveRunner } from './exclusive';
import { JobSchedulerService } from './job-scheduler.service';
import { JobsController } from './jobs.controller';

/** The job runner; `schedule: true` (the HTTP app) also fires cron jobs, the CLI only runs them on demand. */
@Module({})
export class JobsModule {
  static forRoot(options: { schedule: boolean }): DynamicModule {
    return {
      module: JobsModule,
      global: true,
      imports: [TypeOrmModule.forFeature([JobRunEntity]), ...(options.schedule ? [ScheduleModule.forRoot()] : [])],
      controllers: [JobsController],
      providers: [
        JobRegistry,
        JobRunnerService,
        ExclusiveRunner,
        HousekeepingJob,
        ...(options.schedule ? [JobSchedulerService] : []),
      ],
      exports: [JobRegistry, JobRunnerService, ExclusiveRunner],
    };
  }
}
