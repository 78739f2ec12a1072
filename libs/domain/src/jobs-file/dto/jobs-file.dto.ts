import { IsOptional } from 'class-validator';
import { HealthDto } from './health.dto';
import { EnvVarDto, JobDto, ResourcesDto, RESTART_POLICIES } from './job.dto';
import { Nested } from './nested';
import { DockerEndpoint, Name, OneOf, RegistryHost, Text } from './rules';
import { UpdateDto } from './update.dto';

export class TlsDto {
  @Text('write the path of the CA certificate')
  ca!: string;

  @Text('write the path of the client certificate')
  cert!: string;

  @Text('write the path of the client key')
  key!: string;
}

export class HostDto {
  @Name('host')
  name!: string;

  @DockerEndpoint()
  endpoint!: string;

  @IsOptional()
  @Text('write the address at which this host\'s tasks answer, e.g. 10.0.0.5')
  address?: string;

  @IsOptional()
  @Nested(() => TlsDto, { list: false, hint: 'write tls as {ca, cert, key} file paths' })
  tls?: TlsDto;
}

/** What `defaults:` may set for every job; a job's own value wins. */
export class DefaultsDto {
  @IsOptional()
  @Nested(() => HealthDto, { list: false, hint: 'write health as a mapping with a type: http, tcp, exec, docker or none' })
  health?: HealthDto;

  @IsOptional()
  @Nested(() => UpdateDto, { list: false, hint: 'write update as a mapping of update-policy fields' })
  update?: UpdateDto;

  @IsOptional()
  @Nested(() => ResourcesDto, { list: false, hint: 'write resources as a mapping: {memory: 256m, cpus: 0.5}' })
  resources?: ResourcesDto;

  @IsOptional()
  @OneOf(RESTART_POLICIES)
  restart?: string;

  @IsOptional()
  @Nested(() => EnvVarDto, { list: true, hint: 'write envs as a list of {key, value} or as a map of key: value' })
  envs?: EnvVarDto[];
}

export class JobsFileDto {
  @IsOptional()
  @Name('environment')
  environment?: string;

  @IsOptional()
  @RegistryHost()
  registry?: string;

  @IsOptional()
  @Nested(() => HostDto, { list: true, hint: 'write hosts as a map of name: endpoint, or name: {endpoint, address, tls}' })
  hosts?: HostDto[];

  @IsOptional()
  @Nested(() => DefaultsDto, { list: false, hint: 'write defaults as a mapping of health, update, resources, restart, envs' })
  defaults?: DefaultsDto;

  @Nested(() => JobDto, { list: true, hint: 'write jobs as a list of jobs, or a map of name: job' })
  jobs!: JobDto[];
}
