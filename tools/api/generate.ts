// Writes the API's JSON schemas from its TypeScript types (see api-schemas.ts).
import { writeApiSchemas } from './api-schemas';

process.stdout.write(`wrote ${writeApiSchemas()}\n`);
