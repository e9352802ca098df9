import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { swaggerUI } from '@hono/swagger-ui';
import { Hono } from 'hono';
import type { OpenApiDocument } from './openapi.js';

/**
 * The domain API describes itself: `GET /openapi.json` and an interactive reference page at
 * `GET /docs` (Swagger UI). The page's script and styles come from the installed swagger-ui-dist
 * package, never from a CDN, so it works where there is no internet. URLs are relative, so the
 * page also works behind a proxy that serves the API under a path prefix.
 *
 * @example
 * app.route('/', apiReference({ document: () => buildOpenApiDocument(routes, { problemTypeBase }) }));
 */
export interface ApiReferenceOptions {
  /** Built once, on the first request for it. */
  readonly document: () => OpenApiDocument;
}

const assetTypes = new Map([
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
]);

export function apiReference(options: ApiReferenceOptions): Hono {
  const app = new Hono();
  let documentText: string | undefined;

  app.get('/openapi.json', (c) => {
    documentText ??= JSON.stringify(options.document());
    return c.body(documentText, 200, { 'content-type': 'application/json; charset=utf-8' });
  });
  app.get(
    '/docs',
    swaggerUI({
      title: 'API reference',
      url: 'openapi.json',
      // -> docs/swagger-ui-dist/swagger-ui-bundle.js, answered below
      baseUrl: 'docs',
      // The default sends the document's URL to an online validator for a badge.
      validatorUrl: 'none',
      deepLinking: true,
    }),
  );
  app.get('/docs/swagger-ui-dist/:file', async (c) => {
    const file = c.req.param('file');
    const type = assetTypes.get(file);
    if (type === undefined) return c.notFound();
    return c.body(await swaggerUiAsset(file), 200, { 'content-type': type, 'cache-control': 'public, max-age=86400' });
  });
  return app;
}

const assets = new Map<string, Promise<string>>();

function swaggerUiAsset(file: string): Promise<string> {
  let asset = assets.get(file);
  if (asset === undefined) {
    const folder = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
    asset = readFile(join(folder, file), 'utf8');
    asset.catch(() => assets.delete(file));
    assets.set(file, asset);
  }
  return asset;
}
