#!/usr/bin/env bash
# End to end on a real (tiny) sweep: run experiments/ci-e2e.yaml into a temporary SQLite store, render its report,
# then `workbench report check`: headless chromium (every chart drew marks, no console error, no network request)
# and the main table recomputed from the store. Also: the collapsed source-only cell shows under both scenarios
# and nothing is listed missing. Screenshots are kept in experiments/test-output/ (gitignored).
# Cost measured 2026-11-23 on the shared 2-core machine at load 16-20 (other jobs): 2 min 19 s wall, 60 s CPU in
# all (the sweep about 2/3, chromium and the recomputation the rest).
set -euo pipefail
cd "$(dirname "$0")/.."
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
uri="sqlite:///$dir/mlflow.db"
wb() { node apps/cli/bin/workbench.js "$@"; }
wb sweep experiments/ci-e2e.yaml --tracking-uri "$uri" --cache-dir "$dir/cache" --workers 1 --no-report | tee "$dir/sweep.log"
parent="$(sed -n 's/^parent run: \([0-9a-f]*\) .*/\1/p' "$dir/sweep.log")"
[ -n "$parent" ] || { echo "ci-e2e: no parent run id in the sweep output" >&2; exit 1; }
wb report --sweep "$parent" --tracking-uri "$uri" --out "$dir/report" --no-log-artifacts
md="$dir/report/report.md"
for scenario in keep50 keep10; do
  grep -q "| debtags-dev | $scenario | source-only †" "$md" || { echo "ci-e2e: source-only is not shown under $scenario" >&2; exit 1; }
  grep -q "| debtags-dev | $scenario | dallmi | source-only |" "$md" || { echo "ci-e2e: no dallmi vs source-only comparison under $scenario" >&2; exit 1; }
done
grep -q 'None: every expected cell finished.' "$md" || { echo "ci-e2e: the report lists missing or failed cells" >&2; exit 1; }
wb report check "$dir/report/report.html" --screenshots experiments/test-output/ci-e2e
