import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class BackupRequestDto {
  @ApiProperty({ description: "an absolute path on the orchestrator's machine; the file must not exist" })
  @IsString()
  @MaxLength(4096)
  path!: string;
}
