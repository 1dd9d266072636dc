import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Roles } from '../access/access.decorators';
import {
  ApiListResponse,
  ApiPaginatedResponse,
  Listed,
  listOf,
  pageWindow,
  Paginated,
  paginated,
} from '../http/pagination';
import { DomainError } from '../errors/domain-error';
import { JobRegistry } from './job-registry';
import { JobRunnerService } from './job-runner.service';
import { JobRunEntity } from './job-run.entity';
import { JobDefinitionDto, JobRunDto, JobRunsQueryDto } from './jobs.dto';

@ApiTags('jobs')
@Roles('admin', 'operator')
@Controller('jobs')
export class JobsController {
  constructor(
    @InjectRepository(JobRunEntity) private readonly runs: Repository<JobRunEntity>,
    private readonly registry: JobRegistry,
    private readonly runner: JobRunnerService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The jobs this API knows, with their schedules.' })
  @ApiListResponse(JobDefinitionDto)
  listJobs(): Listed<JobDefinitionDto> {
    return listOf(
      this.registry.list().map((j) => ({ name: j.name, description: j.description, cron: j.cron ?? null })),
    );
  }

  @Post(':name/run')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Runs a job now (once across instances) and answers its run; 409 JOB_RUNNING when it is already running.',
  })
  @ApiOkResponse({ type: JobRunDto })
  async runJob(@Param('name') name: string): Promise<JobRunDto> {
    const outcome = await this.runner.run(name, { trigger: 'manual' });
    if (outcome.status === 'skipped') {
      throw DomainError.conflict('JOB_RUNNING', `The job "${name}" is running already; wait for that run to finish.`);
    }
    return JobRunDto.from(await this.runs.findOneByOrFail({ id: outcome.runId }));
  }

  @Get('runs')
  @ApiOperation({ summary: 'Job runs, newest first.' })
  @ApiPaginatedResponse(JobRunDto)
  async listJobRuns(@Query() query: JobRunsQueryDto): Promise<Paginated<JobRunDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.runs.findAndCount({
      where: { ...(query.job ? { jobName: query.job } : {}), ...(query.status ? { status: query.status } : {}) },
      order: { startedAt: 'DESC', id: 'DESC' },
      skip: window.offset,
      take: window.limit,
    });
    return paginated(rows.map(JobRunDto.from), total, window);
  }
}
