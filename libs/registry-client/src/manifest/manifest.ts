import type { Platform } from '@cj/domain';
import { IMAGE_MANIFEST_TYPES, INDEX_TYPES } from './media-types';

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

export interface ImageManifest {
  readonly kind: 'image';
  readonly mediaType: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
}

export interface IndexEntry extends Descriptor {
  readonly platform?: Platform;
}

export interface ImageIndex {
  readonly kind: 'index';
  readonly mediaType: string;
  readonly manifests: readonly IndexEntry[];
}

export type Manifest = ImageManifest | ImageIndex;

/** Why a manifest body could not be read; the caller turns it into a typed registry error. */
export type ManifestProblem =
  | { readonly kind: 'unsupported'; readonly mediaType: string }
  | { readonly kind: 'malformed'; readonly detail: string };

export type ParsedManifest =
  { readonly ok: true; readonly manifest: Manifest } | { readonly ok: false; readonly problem: ManifestProblem };

/**
 * Reads a manifest body. The media type comes from the body when it names one (OCI makes it
 * optional), else from the response's Content-Type.
 */
export function parseManifest(body: string, contentType: string | undefined): ParsedManifest {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return malformed('body is not JSON');
  }
  if (!isRecord(json)) return malformed('body is not a JSON object');
  const mediaType = typeof json.mediaType === 'string' ? json.mediaType : stripParameters(contentType);
  if (mediaType && IMAGE_MANIFEST_TYPES.has(mediaType)) return readImage(json, mediaType);
  if (mediaType && INDEX_TYPES.has(mediaType)) return readIndex(json, mediaType);
  return {
    ok: false,
    problem: { kind: 'unsupported', mediaType: mediaType || `schemaVersion ${String(json.schemaVersion)}` },
  };
}

function readImage(json: Record<string, unknown>, mediaType: string): ParsedManifest {
  const config = readDescriptor(json.config);
  const layers = Array.isArray(json.layers) ? json.layers.map(readDescriptor) : undefined;
  if (!config) return malformed('image manifest has no valid config descriptor');
  if (!layers || layers.some((layer) => !layer)) return malformed('image manifest has an invalid layers list');
  return { ok: true, manifest: { kind: 'image', mediaType, config, layers: layers as Descriptor[] } };
}

function readIndex(json: Record<string, unknown>, mediaType: string): ParsedManifest {
  if (!Array.isArray(json.manifests)) return malformed('index has no manifests list');
  const manifests: IndexEntry[] = [];
  for (const entry of json.manifests) {
    const descriptor = readDescriptor(entry);
    if (!descriptor || !isRecord(entry)) return malformed('index has an invalid manifest descriptor');
    manifests.push({ ...descriptor, platform: readPlatform(entry.platform) });
  }
  return { ok: true, manifest: { kind: 'index', mediaType, manifests } };
}

function readDescriptor(value: unknown): Descriptor | undefined {
  if (!isRecord(value)) return undefined;
  const { mediaType, digest, size } = value;
  if (typeof digest !== 'string' || typeof size !== 'number') return undefined;
  return { mediaType: typeof mediaType === 'string' ? mediaType : '', digest, size };
}

function readPlatform(value: unknown): Platform | undefined {
  if (!isRecord(value) || typeof value.os !== 'string' || typeof value.architecture !== 'string') return undefined;
  return typeof value.variant === 'string'
    ? { os: value.os, architecture: value.architecture, variant: value.variant }
    : { os: value.os, architecture: value.architecture };
}

export const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/**
 * Picks the index entry for a platform. A wanted variant must match exactly; without one, an
 * entry with any variant of the architecture will do (arm64 images are often tagged `v8`).
 */
export function selectPlatform(index: ImageIndex, wanted: Platform): IndexEntry | undefined {
  const candidates = index.manifests.filter(
    (entry) =>
      IMAGE_MANIFEST_TYPES.has(entry.mediaType) &&
      entry.platform?.os === wanted.os &&
      entry.platform.architecture === wanted.architecture,
  );
  if (wanted.variant) return candidates.find((entry) => entry.platform?.variant === wanted.variant);
  return candidates.find((entry) => !entry.platform?.variant) ?? candidates[0];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stripParameters(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0].trim() || undefined;
}

function malformed(detail: string): ParsedManifest {
  return { ok: false, problem: { kind: 'malformed', detail } };
}
