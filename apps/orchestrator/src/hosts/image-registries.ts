import type { ImageRegistry } from '@cj/domain';
import type { ImageRef } from '@cj/api';
import { RegistryClient } from '@cj/registry-client';

/** Docker Hub is what an image reference without a registry host means. */
const DEFAULT_REGISTRY = 'registry-1.docker.io';

/** One registry client per registry host, created on first use and closed on shutdown. */
export class ImageRegistries {
  private readonly clients = new Map<string, RegistryClient>();

  for(image: ImageRef): ImageRegistry {
    const registry = image.registry ?? DEFAULT_REGISTRY;
    let client = this.clients.get(registry);
    if (!client) {
      client = new RegistryClient({ registry });
      this.clients.set(registry, client);
    }
    return client;
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((client) => client.close()));
    this.clients.clear();
  }
}
