import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const ROOT = join(import.meta.dirname, '../../..');
const LAYERS = ['core', 'tensor', 'text', 'model', 'data', 'metrics', 'sampling', 'losses', 'methods', 'tracking', 'report', 'sweep'];

/** Lints `code` as if it were a file of `lib`, returning the module-boundary errors. */
async function boundaryErrors(lib: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, lib, 'src', '__boundary_probe__.ts') });
  return (result?.messages ?? []).filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

beforeAll(() => {
  // The rule reads Nx's cached project graph; compute it when this test runs outside `nx`.
  if (!existsSync(join(ROOT, '.nx/workspace-data/project-graph.json'))) {
    spawnSync(process.execPath, [join(ROOT, 'node_modules/nx/dist/bin/nx.js'), 'show', 'projects'], { cwd: ROOT, stdio: 'ignore', env: { ...process.env, NX_DAEMON: 'false' } });
  }
});

describe('layering of the libs (Nx tags + module-boundary lint)', () => {
  it('every lib carries its layer tag', () => {
    for (const lib of LAYERS) {
      const project = JSON.parse(readFileSync(join(ROOT, 'libs', lib, 'project.json'), 'utf8')) as { tags: string[] };
      expect(project.tags).toContain(`lib:${lib}`);
    }
  });

  it('an upward import fails lint', async () => {
    expect(await boundaryErrors('libs/core', "import { tf } from '@workbench/tensor';\nexport const x = tf;\n")).toHaveLength(1);
    expect(await boundaryErrors('libs/model', "import { x } from '@workbench/tracking';\nexport const y = x;\n")).toHaveLength(1);
  });

  it('a downward import passes lint', async () => {
    expect(await boundaryErrors('libs/tensor', "import { Rng } from '@workbench/core';\nexport const y = Rng;\n")).toEqual([]);
  });

  it('methods cannot import tracking (they receive a RunLogger from core)', async () => {
    expect(await boundaryErrors('libs/methods', "import { x } from '@workbench/tracking';\nexport const y = x;\n")).toHaveLength(1);
  });
});
