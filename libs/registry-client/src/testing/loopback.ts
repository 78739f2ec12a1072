import type { Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (for servers that must be told a port). */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  const port = await listenOnLoopback(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts a server on an ephemeral 127.0.0.1 port and returns the port. */
export async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the server was given no TCP port');
  return address.port;
}

export async function closeServer(server: HttpServer): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
