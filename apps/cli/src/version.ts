import { readFileSync } from 'node:fs';

/** The workbench version: the root package.json's. */
export function workbenchVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
