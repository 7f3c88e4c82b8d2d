import type { DatasetInput, MetricPoint } from '@workbench/core';
import type { Experiment, Run, RunInfo, RunSearch } from '../store.ts';
import type { RestDatasetInput, RestExperiment, RestKeyValue, RestMetric, RestRun, RestRunInfo } from './mlflow-rest-types.ts';
import { decodeMetricValue, encodeMetricValue } from './rest-metric-value.ts';

/** Between MLflow's wire payloads (snake_case) and the store contract (camelCase). */

const toRecord = (kvs: RestKeyValue[] | undefined): Record<string, string> => Object.fromEntries((kvs ?? []).map((t) => [t.key, t.value]));

export function toExperiment(e: RestExperiment): Experiment {
  const out: Experiment = {
    experimentId: e.experiment_id,
    name: e.name,
    artifactLocation: e.artifact_location,
    lifecycleStage: e.lifecycle_stage,
    tags: toRecord(e.tags),
  };
  if (e.creation_time !== undefined) out.creationTime = e.creation_time;
  if (e.last_update_time !== undefined) out.lastUpdateTime = e.last_update_time;
  return out;
}

export function toRunInfo(i: RestRunInfo, tags: Record<string, string> = {}): RunInfo {
  return {
    runId: i.run_id,
    experimentId: i.experiment_id,
    runName: i.run_name ?? tags['mlflow.runName'] ?? '',
    userId: i.user_id ?? '',
    status: i.status,
    startTime: i.start_time ?? 0,
    endTime: i.end_time ?? null,
    artifactUri: i.artifact_uri ?? '',
    lifecycleStage: i.lifecycle_stage,
  };
}

export function toMetricPoint(m: RestMetric): MetricPoint {
  return { key: m.key, value: decodeMetricValue(m.value), timestamp: m.timestamp, step: m.step ?? 0 };
}

export function toRestMetric(m: MetricPoint): RestMetric {
  return { key: m.key, value: encodeMetricValue(m.value), timestamp: m.timestamp, step: m.step };
}

export function toRun(r: RestRun): Run {
  const tags = toRecord(r.data?.tags);
  return {
    info: toRunInfo(r.info, tags),
    data: { params: toRecord(r.data?.params), tags, metrics: (r.data?.metrics ?? []).map(toMetricPoint) },
    inputs: (r.inputs?.dataset_inputs ?? []).map((d) => {
      const dataset: Omit<DatasetInput, 'context'> = { name: d.dataset.name, digest: d.dataset.digest, source: d.dataset.source, sourceType: d.dataset.source_type };
      if (d.dataset.schema !== undefined) dataset.schema = d.dataset.schema;
      if (d.dataset.profile !== undefined) dataset.profile = d.dataset.profile;
      return { dataset, tags: toRecord(d.tags) };
    }),
  };
}

export function toRestDatasetInput(d: DatasetInput): RestDatasetInput {
  const dataset: RestDatasetInput['dataset'] = { name: d.name, digest: d.digest, source_type: d.sourceType, source: d.source };
  if (d.schema !== undefined) dataset.schema = d.schema;
  if (d.profile !== undefined) dataset.profile = d.profile;
  const out: RestDatasetInput = { dataset };
  if (d.context !== undefined) out.tags = [{ key: 'mlflow.data.context', value: d.context }];
  return out;
}

/**
 * A value inside an MLflow filter string. MLflow's parser (sqlparse) takes single- or double-quoted strings;
 * a value with a single quote goes in double quotes. Only a value holding both kinds needs escaping.
 */
function quote(value: string): string {
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"')) return `"${value}"`;
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * The MLflow filter for a RunSearch. Several statuses cannot be one clause in every MLflow version (no IN
 * for status in 2.x filters), so they are returned to be applied to the fetched page by the caller.
 */
export function toFilter(search: RunSearch): { filter: string | undefined; statuses: RunSearch['statuses'] } {
  const clauses: string[] = [];
  for (const [k, v] of Object.entries(search.tags ?? {})) clauses.push(`tags.\`${k}\` = ${quote(v)}`);
  for (const [k, v] of Object.entries(search.params ?? {})) clauses.push(`params.\`${k}\` = ${quote(v)}`);
  let statuses = search.statuses;
  if (statuses && statuses.length === 1) {
    clauses.push(`attributes.status = '${statuses[0]}'`);
    statuses = undefined;
  }
  return { filter: clauses.length ? clauses.join(' and ') : undefined, statuses };
}
