import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { NAME_PATTERN } from '@cj/domain';
import { LIMITS } from '@cj/api';
import { IsBoolean, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export class StatusQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  job?: string;
}

const asBoolean = ({ value }: { value: unknown }) =>
  value === true || value === 'true' || value === '1' || value === '';

export class AuditQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.nameLength)
  job?: string;

  @ApiPropertyOptional({ description: 'with job: only this task' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  task?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.nameLength)
  host?: string;

  @ApiPropertyOptional({ description: 'a rollout id' })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.nameLength)
  rollout?: string;

  @ApiPropertyOptional({ description: 'who: user@host, a token name, or orchestrator' })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.actorLength)
  actor?: string;

  @ApiPropertyOptional({ description: 'event types, comma-separated; named types are shown at every level' })
  @IsOptional()
  @Matches(/^[A-Za-z]+(,[A-Za-z]+)*$/, { message: 'type must be event type names separated by commas' })
  type?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601()
  since?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601()
  until?: string;

  @ApiPropertyOptional({ description: 'a log position: only events after it (the cursor of the next page)' })
  @IsOptional()
  @Matches(/^\d{1,19}$/, { message: 'after must be a log position (digits)' })
  after?: string;

  @ApiPropertyOptional({ default: false, description: 'every event, not only the summary level' })
  @IsOptional()
  @Transform(asBoolean)
  @IsBoolean()
  all?: boolean;

  @ApiPropertyOptional({ default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  limit?: number;
}

export class WhyQueryDto {
  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  task?: number;
}

export class TimelineQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'what ran at this instant (default: now)' })
  @IsOptional()
  @IsISO8601()
  at?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  host?: string;

  @ApiPropertyOptional({ default: false, description: "each entry's revision spec" })
  @IsOptional()
  @Transform(asBoolean)
  @IsBoolean()
  spec?: boolean;
}

export class LogsQueryDto {
  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  task?: number;

  @ApiPropertyOptional({ default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100_000)
  tail?: number;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @Transform(({ value }) => value === true || value === 'true' || value === '1' || value === '')
  @IsBoolean()
  follow?: boolean;
}

/** GET /v1/envs/{env}/compare?with=OTHER */
export class CompareQueryDto {
  @ApiProperty({ example: 'staging', description: 'the environment to compare with' })
  @IsString()
  @Matches(NAME_PATTERN, {
    message: 'with must name an environment: letters, digits, "-" and "_", at most 63 characters',
  })
  with!: string;
}
