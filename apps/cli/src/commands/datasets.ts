import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isWorkbenchError } from '@workbench/core';
import {
  datasetNames,
  datasetsDirectory,
  loadDatasetSync,
  readDatasetCard,
  rejectsToJsonl,
  resolveDatasetRef,
  summarizeDataset,
  type DatasetSummary,
  type LoadDatasetOptions,
  type LoadedDataset,
} from '@workbench/data';
import { exitState, type CliIO } from '../command.ts';
import type { CliCommand } from '../command.ts';

interface CommonOpts {
  json?: boolean;
  lenient?: boolean;
  datasetsDir?: string;
  report?: string;
}

const n = (x: number): string => x.toLocaleString('en-US');
const f1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '-');

function loadOptions(io: CliIO, opts: CommonOpts): LoadDatasetOptions {
  return { env: io.env, lenient: opts.lenient ?? false, ...(opts.datasetsDir !== undefined ? { datasetsDir: opts.datasetsDir } : {}) };
}

/** Writes the rejected rows of a lenient load as JSONL and returns the path. */
function writeRejects(ds: LoadedDataset, file: string | undefined): string {
  const out = path.resolve(file ?? `${ds.name}.rejects.jsonl`);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, rejectsToJsonl(ds.validation));
  return out;
}

function table(rows: string[][], rightAlignFrom = 1): string[] {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, c) => (c >= rightAlignFrom ? cell.padStart(widths[c] as number) : cell.padEnd(widths[c] as number))).join('  ').trimEnd());
}

function validationLine(ds: LoadedDataset): string {
  const v = ds.validation;
  const reasons = Object.entries(v.reasons).map(([k, c]) => `${k} ${n(c as number)}`);
  const filters = Object.entries(v.filters).map(([k, c]) => `${k}: ${n(c)}`);
  return [
    `${n(v.rowsRead)} read, ${n(v.rowsKept)} kept, ${n(v.rowsRejected)} rejected${reasons.length ? ` (${reasons.join(', ')})` : ''}, ${n(v.rowsFiltered)} filtered${filters.length ? ` (${filters.join('; ')})` : ''}`,
    ...(Object.keys(v.undeclaredFields).length ? [`undeclared fields kept on rows: ${Object.entries(v.undeclaredFields).map(([k, c]) => `${k} (${n(c)} rows)`).join(', ')}`] : []),
  ].join('\n  ');
}

function showText(s: DatasetSummary, ds: LoadedDataset): string[] {
  const lines: string[] = [];
  lines.push(`${s.name}  (format ${s.format}, digest ${s.digest.slice(0, 12)})`);
  lines.push(`  ${s.description}`);
  lines.push(`  license:    ${s.license}`);
  lines.push(`  provenance: ${s.provenance.source}${s.provenance.url ? ` <${s.provenance.url}>` : ''}`);
  lines.push(`  folder:     ${s.dir}`);
  lines.push(`  files:      ${s.files.map((f) => `${f.path} (${n(f.bytes)} bytes)`).join(', ')}`);
  lines.push('', 'splits (text length in words: p5 / p50 / p95; characters: p50)');
  lines.push(
    ...table([
      ['  split', 'rows', 'domains', 'words p5', 'p50', 'p95', 'chars p50'],
      ...s.splits.map((x) => [`  ${x.name}`, n(x.rows), Object.entries(x.domains).map(([d, c]) => `${d} ${n(c)}`).join(', '), f1(x.words.p5), f1(x.words.p50), f1(x.words.p95), f1(x.chars.p50)]),
    ]),
  );
  for (const t of s.tasks) {
    lines.push('', `task ${t.name}: ${t.type}, field '${t.field}', ${t.labels.length} labels${t.type === 'token-tagging' ? ' (tag counts over tokens)' : ' (rows per label)'}`);
    if (t.labelsPerRow) lines.push(`  labels per row: ${Object.entries(t.labelsPerRow).map(([sp, v]) => `${sp} ${v.mean.toFixed(2)} (${n(v.empty)} rows with none)`).join(', ')}`);
    const splitNames = s.splits.map((x) => x.name);
    const shown = t.labels.length > 40 ? t.labels.slice(0, 40) : t.labels;
    lines.push(...table([['  label', ...splitNames], ...shown.map((l) => [`  ${l}`, ...splitNames.map((sp) => n(t.frequencies[sp]?.[l] ?? 0))])]));
    if (shown.length < t.labels.length) lines.push(`  ... ${t.labels.length - shown.length} more labels (--json lists all)`);
  }
  const dups = s.splits.filter((x) => x.duplicateTexts > 0).map((x) => `${x.name} ${n(x.duplicateTexts)}`);
  lines.push('', `duplicate texts within a split (case/space folded): ${dups.join(', ') || 'none'}`);
  const shared = s.sharedTexts.filter((x) => x.texts > 0).map((x) => `${x.a}/${x.b} ${n(x.texts)}`);
  lines.push(`texts shared between splits: ${shared.join(', ') || 'none'}`);
  lines.push(`metadata fields: ${s.metadataFields.join(', ') || '(none)'}; never model inputs: ${s.nonInputFields.join(', ')}`);
  lines.push(`validation: ${validationLine(ds)}`);
  return lines;
}

export const datasetsCommand: CliCommand = {
  register(program, io) {
    const datasets = program.command('datasets').description('list, describe and validate datasets (datasets/<name>/dataset.json or any folder holding a card)');
    const dirOption = '--datasets-dir <dir>';
    const dirHelp = 'folder of <name>/dataset.json folders (default: WORKBENCH_DATASETS, else <workspace>/datasets)';

    datasets
      .command('list')
      .description('the datasets of the datasets folder, their format, splits and tasks, and whether their data is present')
      .option('--json', 'print JSON')
      .option(dirOption, dirHelp)
      .action((opts: CommonOpts) => {
        const refOpts = { env: io.env, ...(opts.datasetsDir !== undefined ? { datasetsDir: opts.datasetsDir } : {}) };
        const where = datasetsDirectory(refOpts);
        const entries = datasetNames(refOpts).map((name) => {
          const loc = resolveDatasetRef(name, refOpts);
          try {
            const card = readDatasetCard(loc.cardFile);
            const root = card.dataRoot;
            const folder = root === undefined ? loc.dir : io.env[root.env];
            const missing = folder ? Object.values(card.splits).flatMap((sp) => (sp.file ?? sp.dir ?? [])).filter((f) => !existsSync(path.resolve(folder, f))) : [];
            const present = missing.length === 0 ? '' : `, missing ${[...new Set(missing)].join(', ')}`;
            const status = root === undefined ? `bundled${present}` : folder ? `external (${root.env}=${folder})${present}` : `needs ${root.env}`;
            return { name, format: card.format, splits: Object.keys(card.splits), tasks: card.tasks.map((t) => `${t.name}:${t.type}`), status, description: card.description };
          } catch (e) {
            return { name, format: '?', splits: [], tasks: [], status: `invalid card: ${isWorkbenchError(e) ? e.message : String(e)}`, description: '' };
          }
        });
        if (opts.json) {
          io.out(JSON.stringify({ datasetsDir: where.dir, source: where.source, datasets: entries }, null, 2));
          return;
        }
        io.out(`datasets in ${where.dir}${where.source === 'workspace' ? '' : ` (from ${where.source})`}`);
        io.out(table([['  name', 'format', 'splits', 'tasks', 'data'], ...entries.map((e) => [`  ${e.name}`, e.format, e.splits.join(','), e.tasks.join(','), e.status])], 99).join('\n'));
      });

    datasets
      .command('show')
      .description('rows per split and domain, label frequencies per task, text length percentiles, provenance and digest')
      .argument('<dataset>', 'a dataset name or the path of a folder holding dataset.json')
      .option('--json', 'print JSON')
      .option('--lenient', 'skip rejected rows instead of failing (they are counted; see datasets validate --lenient)')
      .option(dirOption, dirHelp)
      .action((ref: string, opts: CommonOpts) => {
        const ds = loadDatasetSync(ref, loadOptions(io, opts));
        const summary = summarizeDataset(ds);
        if (opts.json) io.out(JSON.stringify(summary, null, 2));
        else io.out(showText(summary, ds).join('\n'));
      });

    datasets
      .command('validate')
      .description('load every split and check every row; exit 1 at the first bad row (file:line: reason), or with --lenient write all rejects to a report')
      .argument('<dataset>', 'a dataset name or the path of a folder holding dataset.json')
      .option('--lenient', 'go on after bad rows and write them to a JSONL report')
      .option('--report <file>', 'where --lenient writes the rejected rows (default ./<name>.rejects.jsonl)')
      .option('--json', 'print JSON')
      .option(dirOption, dirHelp)
      .action((ref: string, opts: CommonOpts) => {
        const ds = loadDatasetSync(ref, loadOptions(io, opts));
        const v = ds.validation;
        const report = opts.lenient ? writeRejects(ds, opts.report) : undefined;
        if (v.rowsRejected > 0) exitState.code = 1;
        if (opts.json) {
          const { rejects: _r, ...counts } = v;
          io.out(JSON.stringify({ name: ds.name, digest: ds.digest, ok: v.rowsRejected === 0, ...counts, report: report ?? null }, null, 2));
          return;
        }
        io.out(`${ds.name}: ${v.rowsRejected === 0 ? 'valid' : 'INVALID ROWS'}`);
        io.out(`  ${validationLine(ds)}`);
        for (const s of ds.splitNames) {
          const c = v.splits[s];
          if (c) io.out(`  ${s}: ${n(c.read)} read, ${n(c.kept)} kept, ${n(c.rejected)} rejected, ${n(c.filtered)} filtered`);
          else io.out(`  ${s}: derived (${n(ds.splits[s]?.rows.length ?? 0)} rows)`);
        }
        for (const r of v.rejects.slice(0, 20)) io.err(`  ${r.file}:${r.line}: ${r.reason}`);
        if (v.rejects.length > 20) io.err(`  ... ${v.rejects.length - 20} more`);
        if (report) io.out(`  rejected rows written to ${report}`);
        io.out(`  digest ${ds.digest}`);
      });
  },
};
