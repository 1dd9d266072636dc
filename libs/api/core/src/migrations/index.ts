import { CreateJobRun1763790000000 } from './1763790000000-create-job-run';

/**
 * Every migration, oldest first. Listed explicitly (not globbed) so the bundled app, the CLI and the
 * TypeORM CLI all see the same set. Add each new migration class here.
 */
export const ALL_MIGRATIONS = [CreateJobRun1763790000000];
