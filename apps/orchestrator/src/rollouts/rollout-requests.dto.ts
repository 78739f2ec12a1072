import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  FAILURE_ACTIONS,
  LIMITS,
  ROLLOUT_ORDERS,
  type FailureAction,
  type RollbackRequest,
  type RollingUpdateRequest,
  type RolloutOrder,
  type RolloutOverrides,
} from '@cj/api';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ChangeRequestDto } from '../http/dto/change-request.dto';

/** A Docker tag: what the registry accepts (letters, digits, `_ . -`, up to 128 characters). */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DAY_MS = LIMITS.durationMs;

/** Policy fields an operator may set for one rollout; the job's update policy gives the rest. */
class RolloutOverridesDto extends ChangeRequestDto implements RolloutOverrides {
  @ApiPropertyOptional({ minimum: 1, description: 'tasks updated at once' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(LIMITS.maxParallel)
  maxParallel?: number;

  @ApiPropertyOptional({ enum: ROLLOUT_ORDERS })
  @IsOptional()
  @IsIn(ROLLOUT_ORDERS)
  order?: RolloutOrder;

  @ApiPropertyOptional({ description: 'milliseconds a task must stay healthy' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(DAY_MS)
  minHealthyTime?: number;

  @ApiPropertyOptional({ description: 'milliseconds a task has to become healthy' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(DAY_MS)
  healthyDeadline?: number;

  @ApiPropertyOptional({ enum: FAILURE_ACTIONS })
  @IsOptional()
  @IsIn(FAILURE_ACTIONS)
  failureAction?: FailureAction;

  @ApiPropertyOptional({
    description: 'milliseconds every updated task is watched after the last batch passes, before success; 0 for none',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(DAY_MS)
  monitor?: number;
}

export class RollingUpdateRequestDto extends RolloutOverridesDto implements RollingUpdateRequest {
  @ApiPropertyOptional({
    example: 'v2',
    description: 'the image tag to move to; default: the recorded tag, re-resolved',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  @Matches(TAG, { message: 'tag must be a Docker tag: letters, digits, _ . - (at most 128)' })
  tag?: string;
}

/** `POST …/jobs/{job}/update`: the talk's `coding-job update JOB_TAG`, so the tag is required. */
export class UpdateRequestDto extends RolloutOverridesDto implements RollingUpdateRequest {
  @ApiProperty({ example: 'v2' })
  @IsString()
  @MaxLength(128)
  @Matches(TAG, { message: 'tag must be a Docker tag: letters, digits, _ . - (at most 128)' })
  tag!: string;
}

export class RollbackRequestDto extends RolloutOverridesDto implements RollbackRequest {
  @ApiPropertyOptional({ minimum: 1, description: 'the revision to return to; default: the previous good one' })
  @IsOptional()
  @IsInt()
  @Min(1)
  toRevision?: number;
}
