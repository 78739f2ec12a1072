import { ApiProperty } from '@nestjs/swagger';
import { LIMITS, type SourceFile } from '@cj/api';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class SourceFileDto implements SourceFile {
  @ApiProperty({ example: 'jobs.yaml', description: 'the name errors are reported under' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  file!: string;

  @ApiProperty({ description: 'the file text (YAML or the seed text format)' })
  @IsString()
  @MaxLength(LIMITS.jobsFileBytes, {
    message: `text must be at most ${LIMITS.jobsFileBytes} characters (the jobs file size limit)`,
  })
  text!: string;
}
