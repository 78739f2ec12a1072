import { IsOptional } from 'class-validator';
import { FAILURE_ACTIONS, LIMITS, ROLLOUT_ORDERS } from '@cj/api';
import { Duration, OneOf, Ratio, WholeNumber } from './rules';

/** `update:` of a job or of `defaults`: how a rollout moves the job's tasks to a new revision. */
export class UpdateDto {
  @IsOptional()
  @WholeNumber(1, LIMITS.maxParallel, 'max_parallel', 'write how many tasks are updated at once, 1 or more')
  max_parallel?: number;

  @IsOptional()
  @OneOf(ROLLOUT_ORDERS)
  order?: string;

  @IsOptional()
  @Duration()
  min_healthy_time?: string;

  @IsOptional()
  @Duration()
  healthy_deadline?: string;

  @IsOptional()
  @Duration()
  progress_deadline?: string;

  @IsOptional()
  @Ratio()
  max_failure_ratio?: number;

  @IsOptional()
  @Duration()
  delay_between_batches?: string;

  @IsOptional()
  @OneOf(FAILURE_ACTIONS)
  failure_action?: string;

  @IsOptional()
  @WholeNumber(
    0,
    LIMITS.keepReplaced,
    'keep_replaced',
    'write how many replaced containers to keep per task for a quick rollback, e.g. 2',
  )
  keep_replaced?: number;

  @IsOptional()
  @Duration()
  monitor?: string;
}
