import { connect } from 'node:net';

/**
 * Talks raw HTTP/1.1 over a socket, for what fetch refuses to send (a bare CR in a header) or
 * cannot do (send a request slowly). `chunks` are written `gapMs` apart; the answer is whatever
 * the server wrote before it closed (or `waitMs` passed).
 */
export async function rawRequest(
  url: string,
  chunks: readonly string[],
  { gapMs = 0, waitMs = 5_000 }: { gapMs?: number; waitMs?: number } = {},
): Promise<{ text: string; closed: boolean; ms: number }> {
  const { hostname, port } = new URL(url);
  const started = performance.now();
  const socket = connect(Number(port), hostname);
  let text = '';
  let closed = false;
  socket.setEncoding('utf8');
  socket.on('data', (data: string) => (text += data));
  socket.on('error', () => undefined);
  const ended = new Promise<void>((resolve) => socket.on('close', () => {
    closed = true;
    resolve();
  }));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  for (const chunk of chunks) {
    if (closed) break;
    socket.write(chunk);
    if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, waitMs))]);
  socket.destroy();
  return { text, closed, ms: performance.now() - started };
}

/** The status and JSON body of a raw HTTP answer. */
export function parseRawAnswer(text: string): { status: number; headers: string; body: Record<string, unknown> | undefined } {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
  return { status, headers: head.toLowerCase(), body: body.startsWith('{') ? (JSON.parse(body) as Record<string, unknown>) : undefined };
}
