import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ApplyRequest, DiffRequest } from '@cj/domain';
import { Type } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, ValidateNested } from 'class-validator';
import { ChangeRequestDto } from './change-request.dto';
import { SourceFileDto } from './source-file.dto';

export class ApplyRequestDto extends ChangeRequestDto implements ApplyRequest {
  @ApiProperty({ type: SourceFileDto })
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
  job?: string;
}
