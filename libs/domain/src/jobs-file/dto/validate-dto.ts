import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, type ValidationError } from 'class-validator';
import { issueAt, type JobsFileIssue } from '../issues';
import { childPath, type SourceNode, toPlain } from '../source/source-node';
import { closest } from '../suggest';
import { JobsFileDto } from './jobs-file.dto';

export type DtoResult = { readonly dto: JobsFileDto; readonly issues: readonly JobsFileIssue[] };

/** Validates the normalized tree against the DTOs and places every error back in the file. */
export function validateDto(root: SourceNode): DtoResult {
  const dto = plainToInstance(JobsFileDto, toPlain(root));
  const errors = validateSync(dto, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
  });
  return { dto, issues: errors.flatMap((error) => toIssues(error, root)) };
}

/** The keys a DTO class accepts: those its class-validator decorators name. */
export function allowedKeys(dto: abstract new () => object): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(dto as new () => object, '', true, false);
  return [...new Set(metadata.map((m) => m.propertyName))];
}

function toIssues(error: ValidationError, parent: SourceNode): JobsFileIssue[] {
  const entry = parent.kind === 'map' ? parent.entries.find((e) => e.key === error.property) : undefined;
  const node = parent.kind === 'list' ? parent.items[Number(error.property)] : entry?.value;
  const loc = node?.loc ?? parent.loc;
  const path = node?.path ?? childPath(parent.path, error.property);
  const issues: JobsFileIssue[] = [];
  const [constraint, message] = Object.entries(error.constraints ?? {})[0] ?? [];
  if (constraint === 'whitelistValidation') {
    const allowed = error.target ? allowedKeys(error.target.constructor as new () => object) : [];
    const suggestion = closest(error.property, allowed);
    issues.push(
      issueAt(
        entry?.keyLoc ?? loc,
        path,
        `unknown key "${error.property}"`,
        `${suggestion ? `did you mean "${suggestion}"? ` : ''}allowed keys here: ${allowed.join(', ')}`,
      ),
    );
  } else if (constraint === 'nestedValidation') {
    issues.push(
      issueAt(loc, path, `must be a mapping, not ${JSON.stringify(error.value)}`, 'write it as key: value fields'),
    );
  } else if (constraint !== undefined && message !== undefined) {
    const hint = (error.contexts?.[constraint] as { hint?: string } | undefined)?.hint ?? 'see the jobs file reference';
    issues.push(issueAt(loc, path, message, hint));
  }
  for (const child of error.children ?? []) issues.push(...toIssues(child, node ?? parent));
  return issues;
}
