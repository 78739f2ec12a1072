import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { issueAt, type JobsFileIssue } from '../issues';
import type { SourceLocation } from '../model';
import { childPath, type Scalar, type SourceNode } from './source-node';
import { yamlProblems } from './yaml-errors';

export type ReadResult = { readonly ok: true; readonly root: SourceNode } | { readonly ok: false; readonly errors: JobsFileIssue[] };

/** Reads YAML into a located tree; a syntax error stops here, as nothing after it can be trusted (see `yamlProblems`). */
export function readYaml(text: string, file: string): ReadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const at = (offset: number | undefined): SourceLocation => {
    const pos = lineCounter.linePos(offset ?? 0);
    return { file, line: pos.line, column: pos.col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: yamlProblems(doc).map((problem) => issueAt(at(problem.offset), '', problem.message, problem.hint)),
    };
  }
  if (doc.contents === null) return { ok: true, root: { kind: 'map', entries: [], loc: at(0), path: '' } };
  return { ok: true, root: toSourceNode(doc, doc.contents, '', at) };
}

function toSourceNode(doc: Document, node: Node, path: string, at: (offset?: number) => SourceLocation): SourceNode {
  const loc = at(node.range?.[0]);
  if (isAlias(node)) return toSourceNode(doc, node.resolve(doc) as Node, path, at);
  if (isMap(node)) {
    return {
      kind: 'map',
      loc,
      path,
      entries: node.items.map((pair) => {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const keyLoc = at((pair.key as Node | null)?.range?.[0]);
        const value = pair.value as Node | null;
        return {
          key,
          keyLoc,
          value: value
            ? toSourceNode(doc, value, childPath(path, key), at)
            : { kind: 'scalar', value: null, loc: keyLoc, path: childPath(path, key) },
        };
      }),
    };
  }
  if (isSeq(node)) {
    return {
      kind: 'list',
      loc,
      path,
      items: node.items.map((item, index) =>
        item ? toSourceNode(doc, item as Node, childPath(path, index), at) : { kind: 'scalar', value: null, loc, path: childPath(path, index) },
      ),
    };
  }
  const value = isScalar(node) ? node.value : null;
  return { kind: 'scalar', loc, path, value: isPlainScalar(value) ? value : String(value) };
}

function isPlainScalar(value: unknown): value is Scalar {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}
