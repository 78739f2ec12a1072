import type { Platform } from '@cj/domain';
import { isRecord } from './manifest';

/** The parts of an image config blob (Docker or OCI) that describe a tag to an operator. */
export interface ImageConfigSummary {
  readonly created?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly platform?: Platform;
}

export function summarizeImageConfig(body: string): ImageConfigSummary | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isRecord(json)) return undefined;
  return {
    ...(typeof json.created === 'string' ? { created: json.created } : {}),
    labels: readLabels(json.config),
    ...(typeof json.os === 'string' && typeof json.architecture === 'string'
      ? {
          platform: {
            os: json.os,
            architecture: json.architecture,
            ...(typeof json.variant === 'string' ? { variant: json.variant } : {}),
          },
        }
      : {}),
  };
}

function readLabels(config: unknown): Record<string, string> {
  const labels: Record<string, string> = {};
  if (isRecord(config) && isRecord(config.Labels)) {
    for (const [key, value] of Object.entries(config.Labels)) {
      if (typeof value === 'string') labels[key] = value;
    }
  }
  return labels;
}
