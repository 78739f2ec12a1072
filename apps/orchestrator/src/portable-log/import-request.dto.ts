import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import type { ImportRequest } from '@cj/api';
import { ChangeRequestDto } from '../http/dto/change-request.dto';

/** Lines one import request may carry; `cj import` sends 500 (fewer when they are large). */
export const MAX_IMPORT_LINES = 2000;

/** POST /v1/envs/{env}/import: one step of an import. Each line is read by the domain's portable log. */
export class ImportRequestDto extends ChangeRequestDto implements ImportRequest {
  @ApiProperty({ enum: ['check', 'events', 'close'] })
  @IsIn(['check', 'events', 'close'])
  step!: 'check' | 'events' | 'close';

  @ApiProperty({ description: "the file's first line, as it is" })
  @IsString()
  @MaxLength(4096)
  header!: string;

  @ApiProperty({
    description: 'source host → {name, endpoint?, address?}',
    example: { 'git-app-1': { name: 'new-app-1', endpoint: 'tcp://10.0.1.5:2376' } },
  })
  @IsObject()
  hosts!: Record<string, { name: string; endpoint?: string; address?: string }>;

  @ApiPropertyOptional({ description: 'event lines of the file as they are, with their line numbers', type: [Object] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_IMPORT_LINES)
  @IsObject({ each: true })
  lines?: { line: number; text: string }[];
}
