// Writes the orchestrator's OpenAPI document (as the build serves it) and the CLI's types generated from it.
import { writeOpenApiClient } from './openapi-client';

writeOpenApiClient().then(
  (files) => process.stdout.write(`wrote ${files.join(', ')}\n`),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
