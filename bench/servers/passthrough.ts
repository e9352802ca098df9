import { Hono } from 'hono';
import { Pool } from 'undici';
import { listenHono } from './listen.js';
import { benchOptions, serveBench } from './probe.js';

/**
 * Contender "passthrough": a minimal hono proxy that forwards the SOAP request unchanged and
 * returns the upstream's reply as it came. It uses the transport Ficus uses (an undici Pool with
 * 64 keep-alive connections, the reply read whole), so the difference to Ficus is the
 * translation, not the HTTP client: this is the cost of one HTTP hop in Node.
 */

const { upstream } = benchOptions<{ upstream: string }>();
const target = new URL(upstream);
const pool = new Pool(target.origin, { connections: 64, keepAliveTimeout: 4_000 });

const app = new Hono();
app.post('*', async (c) => {
  const reply = await pool.request({
    method: 'POST',
    path: target.pathname,
    headers: {
      'content-type': c.req.header('content-type') ?? 'text/xml; charset=utf-8',
      soapaction: c.req.header('soapaction') ?? '""',
    },
    body: Buffer.from(await c.req.arrayBuffer()),
  });
  const body = Buffer.from(await reply.body.arrayBuffer());
  return c.body(body, reply.statusCode as 200, { 'content-type': String(reply.headers['content-type'] ?? 'text/xml') });
});

await serveBench(() => listenHono(app, () => pool.close()));
