#!/usr/bin/env bash
# The notebooks' CI (nx run notebooks:test): outputs stripped in git, `deno check` of the modules the notebooks
# import, then every notebook executed headlessly by Debian's Jupyter with the repo's Deno kernelspec.
# Needs: apt-get install jupyter-nbconvert python3-nbconvert python3-nbclient jupyter-client python3-ipykernel
# and the npm package deno (a devDependency of libs/report, binary at node_modules/.bin/deno).
set -euo pipefail
cd "$(dirname "$0")"
export NO_COLOR=1 JUPYTER_PATH="$PWD/jupyter" DENO_NO_UPDATE_CHECK=1
DENO=../node_modules/.bin/deno
PY=/usr/bin/python3 # Debian's python (the one on PATH may not see Debian's Jupyter packages)

# 1. Outputs stripped: what is committed is code, never results.
"$PY" - <<'PY'
import json, glob, sys
bad = []
for f in sorted(glob.glob('*.ipynb')):
    for i, c in enumerate(json.load(open(f))['cells']):
        if c['cell_type'] == 'code' and (c.get('outputs') or c.get('execution_count') is not None):
            bad.append(f'{f} cell {i}')
if bad:
    sys.exit('notebooks with outputs (strip them: python3 notebooks/strip-outputs.py): ' + ', '.join(bad))
print(f'outputs stripped: {len(glob.glob("*.ipynb"))} notebooks')
PY

# 2. Type-check the notebooks' modules and, through them, the workspace libs they import (Deno's TypeScript).
#    Diagnostics in the notebooks' own code fail; diagnostics inside libs/ (already checked by each lib's tsc
#    typecheck target, under TypeScript 5.9) are printed as warnings: Deno's newer lib typings disagree on a few.
set +e
check=$("$DENO" check lib/*.ts 2>&1)
status=$?
set -e
if [ $status -ne 0 ]; then
  own=$(printf '%s\n' "$check" | grep -E '^\s+at file://.*/notebooks/' || true)
  if [ -n "$own" ] || ! printf '%s\n' "$check" | grep -qE '^\s+at file://'; then
    printf '%s\n' "$check"
    echo "deno check: errors in the notebooks' code" >&2
    exit 1
  fi
  echo "deno check: warnings in workspace libs under Deno's TypeScript (not the notebooks' code):"
  printf '%s\n' "$check" | grep -E '^(TS[0-9]+|\s+at file://)' | sed 's/^/  /'
else
  echo "deno check: ok"
fi

# 3. Execute every notebook (a failing cell fails nbconvert); outputs go to a temp folder, never into git.
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for nb in *.ipynb; do
  start=$(date +%s)
  "$PY" -m nbconvert --to notebook --execute "$nb" --output-dir "$out" --ExecutePreprocessor.timeout=600 --log-level=WARN
  "$PY" - "$out/$nb" <<'PY'
import json, sys
nb = json.load(open(sys.argv[1]))
errors = [o for c in nb['cells'] if c['cell_type'] == 'code' for o in c.get('outputs', []) if o.get('output_type') == 'error']
unexecuted = [i for i, c in enumerate(nb['cells']) if c['cell_type'] == 'code' and c.get('execution_count') is None]
if errors or unexecuted:
    sys.exit(f'{sys.argv[1]}: {len(errors)} error outputs, cells not executed: {unexecuted}')
PY
  echo "executed $nb in $(( $(date +%s) - start )) s"
done
