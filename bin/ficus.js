#!/usr/bin/env node
// The published entry point runs the compiled CLI; `npm run build` (run by `npm ci`) produces it.
import('../dist/src/cli.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/src/cli.js')) {
    console.error('ficus: the compiled CLI is missing. Run `npm run build` (or `npm ci`) first.');
    process.exit(1);
  }
  throw error;
});
