import type { SourceLocation } from '../model';

/**
 * A jobs file as read, before validation: plain maps, lists and scalars, each knowing where it
 * was written (`loc`) and how to name it to a person (`path`, e.g. `jobs[2].port`). Both input
 * forms read into this tree, so validation and error reporting are written once.
 */
export type SourceNode = MapNode | ListNode | ScalarNode;

export type Scalar = string | number | boolean | null;

interface NodeBase {
  readonly loc: SourceLocation;
  readonly path: string;
}

export interface MapEntry {
  readonly key: string;
  readonly keyLoc: SourceLocation;
  readonly value: SourceNode;
}

export interface MapNode extends NodeBase {
  readonly kind: 'map';
  readonly entries: readonly MapEntry[];
}

export interface ListNode extends NodeBase {
  readonly kind: 'list';
  readonly items: readonly SourceNode[];
}

export interface ScalarNode extends NodeBase {
  readonly kind: 'scalar';
  readonly value: Scalar;
}

export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

export function entryOf(node: SourceNode | undefined, key: string): MapEntry | undefined {
  return node?.kind === 'map' ? node.entries.find((entry) => entry.key === key) : undefined;
}

export function valueOf(node: SourceNode | undefined, key: string): SourceNode | undefined {
  return entryOf(node, key)?.value;
}

/** The tree as plain JavaScript values: what the validation DTOs are built from. */
export function toPlain(node: SourceNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'list':
      return node.items.map(toPlain);
    case 'map':
      return Object.fromEntries(node.entries.map((entry) => [entry.key, toPlain(entry.value)]));
  }
}
