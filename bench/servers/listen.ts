import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { BenchServer } from './probe.js';

/** Serves a hono app on 127.0.0.1 at an ephemeral port, the way Ficus serves its own. */
export function listenHono(app: Hono, onClose: () => Promise<void>): Promise<BenchServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }) as Server;
    server.once('error', reject);
    server.once('listening', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: async () => {
          await new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          });
          await onClose();
        },
      });
    });
  });
}
