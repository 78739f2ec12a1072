import { IsOptional } from 'class-validator';
import { LIMITS } from '@cj/api';
import { HealthDto } from './health.dto';
import { Nested } from './nested';
import {
  AbsolutePath,
  Flag,
  ImageReference,
  Memory,
  Name,
  OneOf,
  Port,
  PositiveNumber,
  Rule,
  show,
  StringList,
  Text,
  WholeNumber,
} from './rules';
import { UpdateDto } from './update.dto';

export const RESTART_POLICIES = ['no', 'on-failure', 'always', 'unless-stopped'] as const;
export const RECONCILE_POLICIES = ['restart', 'report'] as const;

export class EnvVarDto {
  @Rule(
    'envKey',
    (v) =>
      (typeof v === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(v)) || `${show(v)} is not an environment variable name`,
    'an env key is letters, digits and "_", not starting with a digit',
  )
  key!: string;

  @Rule(
    'envValue',
    (v) =>
      typeof v !== 'string'
        ? `must be a string, not ${show(v)}`
        : v.includes('\0')
          ? 'holds a NUL character, which no process environment can carry'
          : v.length <= LIMITS.envValueLength ||
            `is ${v.length} characters, more than ${LIMITS.envValueLength} (the env value limit)`,
    `quote the value: value: "8990"; no NUL characters, at most ${LIMITS.envValueLength} characters`,
  )
  value!: string;
}

export class MountDto {
  @Text("write the host path (absolute, or relative to the job's data directory)")
  @Rule(
    'noNul',
    (v) => typeof v !== 'string' || !v.includes('\0') || 'holds a NUL character',
    'write a path without NUL characters',
  )
  source!: string;

  @AbsolutePath()
  target!: string;

  @IsOptional()
  @Flag()
  read_only?: boolean;
}

export class ResourcesDto {
  @IsOptional()
  @Memory()
  memory?: string | number;

  @IsOptional()
  @PositiveNumber(LIMITS.cpus, 'cpus', 'write the CPU limit in cores, e.g. 0.5 or 2')
  cpus?: number;
}

/** The fields every job may take; `defaults:` takes the shared subset below. */
/** What `defaults:` may set for every job; a job's own value wins. */
export class DefaultsDto {
  @IsOptional()
  @Nested(() => HealthDto, {
    list: false,
    hint: 'write health as a mapping with a type: http, tcp, exec, docker or none',
  })
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
  @OneOf(RECONCILE_POLICIES)
  reconcile?: string;

  @IsOptional()
  @Nested(() => EnvVarDto, {
    list: true,
    hint: 'write envs as a list of {key, value} or as a map of key: value',
    max: [LIMITS.envVars, 'envs'],
  })
  envs?: EnvVarDto[];
}

/** A job: where it runs and what it is, plus anything `defaults:` may set for it. */
export class JobDto extends DefaultsDto {
  @Name('job')
  name!: string;

  @ImageReference()
  image!: string;

  @IsOptional()
  @Name('host')
  run_on_host?: string;

  @IsOptional()
  @StringList(LIMITS.hosts, 'hosts', 'list the hosts to run one task on each: hosts: [git-app-1, git-app-2]')
  hosts?: string[];

  @IsOptional()
  @WholeNumber(1, LIMITS.replicas, 'replicas', 'write how many tasks the job runs, 1 or more')
  replicas?: number;

  @Port()
  port!: number;

  @IsOptional()
  @Nested(() => MountDto, {
    list: true,
    hint: 'write mounts as a list of "source:target[:ro]" or {source, target, read_only}',
    max: [LIMITS.mounts, 'mounts'],
  })
  mounts?: MountDto[];

  @IsOptional()
  @StringList(
    LIMITS.commandArgs,
    'command',
    'write the command as a list, one argument each: command: ["java", "-jar", "app.jar"]',
  )
  command?: string[];
}
