import { Injectable, PipeTransform } from '@nestjs/common';
import { LIMITS } from '@cj/api';
import { badRequest } from './problem';
import { ENV_NAME, JOB_NAME } from './dto/names';

/** Validates the `{env}` and `{job}` path segments before they become stream names. */
@Injectable()
export class EnvNamePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!ENV_NAME.test(value))
      throw badRequest(
        `environment name ${quoted(value)} is not valid`,
        `use letters, digits, "-" and "_", at most ${LIMITS.nameLength} characters, e.g. prod or staging-2`,
      );
    return value;
  }
}

@Injectable()
export class JobNamePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!JOB_NAME.test(value))
      throw badRequest(
        `job name ${quoted(value)} is not valid`,
        `use letters, digits, "-" and "_", at most ${LIMITS.nameLength} characters, as in the jobs file`,
      );
    return value;
  }
}

/** A name as sent, shortened and JSON-quoted, so a hostile one is neither echoed whole nor raw. */
function quoted(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}
