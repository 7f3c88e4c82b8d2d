import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkbenchError } from '@workbench/core';

/** The browser builds the HTML report inlines (the packages' `exports` hide them, so they are found on disk). */
export const BROWSER_BUNDLES = ['vega/build/vega.min.js', 'vega-lite/build/vega-lite.min.js', 'vega-embed/build/vega-embed.min.js'] as const;

let cache: { name: string; version: string; code: string }[] | undefined;

/** The three bundles' code and versions, from the nearest node_modules above this file. */
export function browserBundles(): { name: string; version: string; code: string }[] {
  if (cache) return cache;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'node_modules', BROWSER_BUNDLES[0]))) break;
    const up = dirname(dir);
    if (up === dir) throw new WorkbenchError('IO', `cannot find ${BROWSER_BUNDLES[0]} in any node_modules above ${fileURLToPath(import.meta.url)}: run npm ci`);
    dir = up;
  }
  cache = BROWSER_BUNDLES.map((rel) => {
    const name = rel.split('/')[0];
    const pkg = JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
    return { name, version: pkg.version, code: readFileSync(join(dir, 'node_modules', rel), 'utf8') };
  });
  return cache;
}
