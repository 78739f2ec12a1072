import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsISO8601, IsInt, IsObject, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { ChangeRequestDto } from '../http/dto/change-request.dto';
import { ENV_NAME, JOB_NAME } from '../http/dto/names';
import type { HostTarget, ReplicateRequest } from '@cj/api';

/** POST /v1/envs/{env}/replicate: the env's jobs recorded again in another env, on other hosts. */
export class ReplicateRequestDto extends ChangeRequestDto implements ReplicateRequest {
  @ApiProperty({ example: 'staging' })
  @IsString()
  @Matches(ENV_NAME, { message: 'targetEnv must be letters, digits, "-" and "_", at most 63 characters' })
  targetEnv!: string;

  @ApiProperty({
    description:
      'source host → target host name (declared in the target or source env), or → {name, endpoint, address?} declared by the replicate; every host the jobs use must be mapped',
    example: {
      'git-app-1': 'git-app-2',
      'git-app-3': { name: 'stg-1', endpoint: 'tcp://10.0.0.7:2376', address: '10.0.0.7' },
    },
  })
  @IsObject()
  hosts!: Record<string, string | HostTarget>;

  @ApiPropertyOptional({ example: '2026-06-01T10:00:00Z', description: 'the source jobs as they were at this instant' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'asOf must be an ISO 8601 instant such as 2026-06-01T10:00:00Z' })
  asOf?: string;

  @ApiPropertyOptional({ example: 'web', description: 'only this job' })
  @IsOptional()
  @IsString()
  @Matches(JOB_NAME, { message: 'job must be a job name' })
  job?: string;

  @ApiPropertyOptional({ example: 3, description: 'this revision of `job` instead of its current one' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  revision?: number;

  @ApiPropertyOptional({ description: 'plan only: record nothing' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;

  @ApiPropertyOptional({ description: 'record the revisions, start no rollout' })
  @IsOptional()
  @IsBoolean()
  noDeploy?: boolean;
}
