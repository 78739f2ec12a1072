import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NAME_PATTERN } from '@cj/domain';
import { LIMITS, type ApplyRequest, type DiffRequest } from '@cj/api';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsOptional, IsString, Matches, ValidateNested } from 'class-validator';
import { ChangeRequestDto } from '../http/dto/change-request.dto';
import { SourceFileDto } from './source-file.dto';

export class ApplyRequestDto extends ChangeRequestDto implements ApplyRequest {
  @ApiProperty({ type: SourceFileDto })
  @IsDefined({ message: 'jobs is missing: send the jobs file as {file, text}' })
  @ValidateNested()
  @Type(() => SourceFileDto)
  jobs!: SourceFileDto;

  @ApiPropertyOptional({ type: SourceFileDto, description: 'hosts/defaults for the seed text format' })
  @IsOptional()
  @ValidateNested()
  @Type(() => SourceFileDto)
  base?: SourceFileDto;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}

export class DiffRequestDto implements DiffRequest {
  @ApiProperty({ type: SourceFileDto })
  @IsDefined({ message: 'jobs is missing: send the jobs file as {file, text}' })
  @ValidateNested()
  @Type(() => SourceFileDto)
  jobs!: SourceFileDto;

  @ApiPropertyOptional({ type: SourceFileDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => SourceFileDto)
  base?: SourceFileDto;

  @ApiPropertyOptional({ description: 'only this job' })
  @IsOptional()
  @IsString()
  @Matches(NAME_PATTERN, {
    message: `job must be a job name: letters, digits, "-" and "_", at most ${LIMITS.nameLength} characters`,
  })
  job?: string;
}
