import { Injectable, PipeTransform } from '@nestjs/common';
import { badRequest } from './problem';
import { ENV_NAME, JOB_NAME } from './dto/names';

/** Validates the `{env}` and `{job}` path segments before they become stream names. */
@Injectable()
export class EnvNamePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!ENV_NAME.test(value)) throw badRequest(`environment name "${value}" is not valid`, 'use lowercase letters, digits and dashes, e.g. prod or staging-2');
    return value;
  }
}

@Injectable()
export class JobNamePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!JOB_NAME.test(value)) throw badRequest(`job name "${value}" is not valid`, 'use letters, digits, dots, dashes and underscores, as in the jobs file');
    return value;
  }
}
