import { IsOptional } from 'class-validator';
import { LIMITS } from '@cj/api';
import { Duration, OneOf, Rule, show, WholeNumber } from './rules';

export const HEALTH_TYPES = ['http', 'tcp', 'exec', 'docker', 'none'] as const;

/** `health:` of a job or of `defaults`. `type` says which of the other fields apply. */
export class HealthDto {
  @OneOf(HEALTH_TYPES)
  type!: string;

  @Rule(
    'httpPath',
    (v, o) =>
      o.type === 'http'
        ? (typeof v === 'string' && v.startsWith('/')) ||
          (v === undefined ? 'an http check needs a path' : `path ${show(v)} must start with "/"`)
        : v === undefined || `path applies to http checks, not to ${show(o.type)}`,
    'an http check names the path to GET, e.g. path: /health; other check types take no path',
  )
  path?: string;

  @IsOptional()
  @Rule(
    'httpStatus',
    (v, o) =>
      o.type !== 'http'
        ? `status applies to http checks, not to ${show(o.type)}`
        : (Number.isInteger(v) && (v as number) >= 100 && (v as number) <= 599) ||
          `status ${show(v)} is not an HTTP status`,
    'write the status a healthy task answers with, e.g. 200; only http checks take one',
  )
  status?: number;

  @Rule(
    'execCommand',
    (v, o) =>
      o.type === 'exec'
        ? (Array.isArray(v) &&
            v.length > 0 &&
            v.length <= LIMITS.commandArgs &&
            v.every((part) => typeof part === 'string' && !part.includes('\0'))) ||
          `an exec check needs a command list of at most ${LIMITS.commandArgs} strings without NUL characters, not ${show(v)}`
        : v === undefined || `command applies to exec checks, not to ${show(o.type)}`,
    'an exec check runs a command inside the container, written as a list: command: ["cat", "/tmp/ready"]',
  )
  command?: string[];

  @IsOptional()
  @Duration(LIMITS.minProbeMs)
  interval?: string;

  @IsOptional()
  @Duration(LIMITS.minProbeMs)
  timeout?: string;

  @IsOptional()
  @WholeNumber(
    0,
    LIMITS.healthRetries,
    'health retries',
    'write how many failed checks in a row make a task unhealthy, e.g. 3',
  )
  retries?: number;
}
