import 'reflect-metadata';
import { CommanderError } from 'commander';
import { createOrchestrator } from './app';
import { InvalidOptionError } from './config/invalid-option.error';
import { parseOptions } from './config/options';
import { JsonLogger } from './logging/json-logger';

async function main(): Promise<void> {
  const logger = new JsonLogger();
  let options;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode === 0) return; // --help / --version
    if (error instanceof InvalidOptionError) {
      process.stderr.write(`cj-orchestrator: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  const app = await createOrchestrator(options, logger);
  await app.listen(options.listen.port, options.listen.host);
  const url = await app.getUrl();
  logger.log({ msg: 'listening', url, store: options.store, readDb: options.readDb }, 'orchestrator');

  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log({ msg: 'shutting down', signal }, 'orchestrator');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(
          { msg: 'shutdown failed', error: error instanceof Error ? error.stack : String(error) },
          'orchestrator',
        );
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`cj-orchestrator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
