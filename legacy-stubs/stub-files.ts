import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const moduleDir = dirname(fileURLToPath(import.meta.url));

/**
 * The absolute path of a file shipped in `legacy-stubs/` (a WSDL), given relative to that folder.
 *
 * Run from source (`legacy-stubs/*.ts` under vitest or tsx) the file sits next to this module.
 * Compiled (`dist/legacy-stubs/*.js`) it does not, because tsc copies no `.wsdl` files: then the
 * first ancestor folder holding `legacy-stubs/<relative>` wins, which is the package root.
 * When nothing is found the module-relative path is returned, so the error that follows
 * (reading the file) names the place where the file was expected.
 *
 * @example
 * locateStubFile('crm/CustomerService.wsdl') // -> /…/ficus/legacy-stubs/crm/CustomerService.wsdl
 */
export function locateStubFile(relative: string): string {
  const besideModule = join(moduleDir, relative);
  if (existsSync(besideModule)) return besideModule;
  for (let dir = dirname(moduleDir); ; dir = dirname(dir)) {
    const candidate = join(dir, 'legacy-stubs', relative);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return besideModule;
  }
}
