import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { NAME_PATTERN } from '@cj/domain';
import { LIMITS } from '@cj/api';
import { IsBoolean, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/*
 * The kinds of query parameter the read endpoints take, each written once: what the document says
 * of it (the options given) and how it is parsed and checked.
 */

/** A whole number, from its text; at least `min`, at most `max` when given. */
const OptionalInteger = (min: number, max?: number, doc: ApiPropertyOptions = {}) =>
  applyDecorators(
    ApiPropertyOptional(doc),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(min),
    ...(max === undefined ? [] : [Max(max)]),
  );

/** A flag: `true`, `1` or present without a value (`?all`) turn it on. */
const OptionalFlag = (doc: ApiPropertyOptions = {}) =>
  applyDecorators(
    ApiPropertyOptional({ default: false, ...doc }),
    IsOptional(),
    Transform(({ value }: { value: unknown }) => value === true || value === 'true' || value === '1' || value === ''),
    IsBoolean(),
  );

/** A name (job, host, rollout, actor), at most `maxLength` characters. */
const OptionalName = (maxLength: number = LIMITS.nameLength, doc: ApiPropertyOptions = {}) =>
  applyDecorators(ApiPropertyOptional(doc), IsOptional(), IsString(), MaxLength(maxLength));

/** An instant, ISO 8601. */
const OptionalInstant = (doc: ApiPropertyOptions = {}) =>
  applyDecorators(ApiPropertyOptional({ format: 'date-time', ...doc }), IsOptional(), IsISO8601());

export class StatusQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  job?: string;
}

export class AuditQueryDto {
  @OptionalName()
  job?: string;

  @OptionalInteger(0, undefined, { description: 'with job: only this task' })
  task?: number;

  @OptionalName()
  host?: string;

  @OptionalName(LIMITS.nameLength, { description: 'a rollout id' })
  rollout?: string;

  @OptionalName(LIMITS.actorLength, { description: 'who: user@host, a token name, or orchestrator' })
  actor?: string;

  @ApiPropertyOptional({ description: 'event types, comma-separated; named types are shown at every level' })
  @IsOptional()
  @Matches(/^[A-Za-z]+(,[A-Za-z]+)*$/, { message: 'type must be event type names separated by commas' })
  type?: string;

  @OptionalInstant()
  since?: string;

  @OptionalInstant()
  until?: string;

  @ApiPropertyOptional({ description: 'a log position: only events after it (the cursor of the next page)' })
  @IsOptional()
  @Matches(/^\d{1,19}$/, { message: 'after must be a log position (digits)' })
  after?: string;

  @OptionalFlag({ description: 'every event, not only the summary level' })
  all?: boolean;

  @OptionalInteger(1, 10_000, { default: 100 })
  limit?: number;
}

export class WhyQueryDto {
  @OptionalInteger(0, undefined, { default: 0 })
  task?: number;
}

export class TimelineQueryDto {
  @OptionalInstant({ description: 'what ran at this instant (default: now)' })
  at?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  host?: string;

  @OptionalFlag({ description: "each entry's revision spec" })
  spec?: boolean;
}

export class LogsQueryDto {
  @OptionalInteger(0, undefined, { default: 0 })
  task?: number;

  @OptionalInteger(0, 100_000, { default: 100 })
  tail?: number;

  @OptionalFlag()
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
