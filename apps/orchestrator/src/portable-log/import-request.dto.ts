import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsObject, IsString, Matches, MaxLength } from 'class-validator';
import type { ImportRequest } from '@cj/domain';
import { ENV_NAME } from '../http/dto/names';

/** Events one import request may carry; `cj import` sends 500 (fewer when they are large). */
export const MAX_IMPORT_CHUNK = 2000;

/** POST /v1/envs/{env}/import: one chunk of a planned import. Each event's shape is checked by the import itself. */
export class ImportRequestDto implements ImportRequest {
  @ApiProperty({ example: 'prod' })
  @IsString()
  @Matches(ENV_NAME, { message: 'sourceEnv must be letters, digits, "-" and "_", at most 63 characters' })
  sourceEnv!: string;

  @ApiProperty({ description: "the id of the plan's first event" })
  @IsString()
  @MaxLength(64)
  firstId!: string;

  @ApiProperty({ description: 'events as `planImport` made them: stream, revision (decimal string), id, type, data, metadata', type: [Object] })
  @IsArray()
  @ArrayMaxSize(MAX_IMPORT_CHUNK)
  @IsObject({ each: true })
  events!: ImportRequest['events'];
}
