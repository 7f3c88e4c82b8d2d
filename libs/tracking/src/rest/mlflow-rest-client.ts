import { WorkbenchError } from '@workbench/core';
import { splitLogBatch, type BatchContent } from './log-batch-split.ts';
import { missingPoints } from './metric-reconcile.ts';
import { isMlflowRestError } from './mlflow-rest-error.ts';
import type {
  CreateExperimentRequest,
  CreateExperimentResponse,
  CreateRunRequest,
  GetExperimentResponse,
  ListArtifactsResponse,
  MetricHistoryResponse,
  RestDatasetInput,
  RestExperiment,
  RestFileInfo,
  RestMetric,
  RestRun,
  RestRunInfo,
  RunResponse,
  SearchExperimentsRequest,
  SearchExperimentsResponse,
  SearchRunsRequest,
  SearchRunsResponse,
  UpdateRunRequest,
  UpdateRunResponse,
} from './mlflow-rest-types.ts';
import { RestTransport, type RestRequest, type RestTransportOptions } from './rest-transport.ts';

const API = '/api/2.0/mlflow';
const ARTIFACTS_API = '/api/2.0/mlflow-artifacts/artifacts';

/**
 * The tag that makes run creation idempotent: a random key the client puts on the run it creates. When a
 * runs/create may have been applied without the answer reaching us (or a spool is replayed), the client
 * first searches for a run carrying its key instead of creating a second run.
 */
export const CREATE_KEY_TAG = 'workbench.create_key';

/** A typed client of the MLflow 2.x REST API (the routes of 2.17.2, all still served by MLflow 3). */
export class MlflowRestClient {
  readonly transport: RestTransport;

  constructor(uri: string, options: RestTransportOptions = {}) {
    this.transport = new RestTransport(uri, options);
  }

  get uri(): string {
    return this.transport.uri;
  }

  // Experiments ---------------------------------------------------------------------------------------

  async getExperiment(experimentId: string): Promise<RestExperiment> {
    const r = await this.transport.request<GetExperimentResponse>({ method: 'GET', path: `${API}/experiments/get`, query: { experiment_id: experimentId } });
    return r.experiment;
  }

  /** The experiment of that name (active or deleted), or undefined. */
  async getExperimentByName(name: string): Promise<RestExperiment | undefined> {
    try {
      const r = await this.transport.request<GetExperimentResponse>({ method: 'GET', path: `${API}/experiments/get-by-name`, query: { experiment_name: name } });
      return r.experiment;
    } catch (e) {
      if (isMlflowRestError(e, 'RESOURCE_DOES_NOT_EXIST')) return undefined;
      throw e;
    }
  }

  async createExperiment(req: CreateExperimentRequest): Promise<string> {
    const r = await this.transport.request<CreateExperimentResponse>({ method: 'POST', path: `${API}/experiments/create`, json: req });
    return r.experiment_id;
  }

  /**
   * The active experiment of that name, created if missing. Safe against racing creators (several sweep
   * workers starting at once): whoever loses the race gets RESOURCE_ALREADY_EXISTS and reads the winner's.
   */
  async getOrCreateExperiment(name: string, options: { artifactLocation?: string; tags?: Record<string, string> } = {}): Promise<RestExperiment> {
    let exp = await this.getExperimentByName(name);
    if (!exp) {
      try {
        const req: CreateExperimentRequest = { name };
        if (options.artifactLocation !== undefined) req.artifact_location = options.artifactLocation;
        if (options.tags) req.tags = Object.entries(options.tags).map(([key, value]) => ({ key, value }));
        const id = await this.createExperiment(req);
        return await this.getExperiment(id);
      } catch (e) {
        if (!isMlflowRestError(e, 'RESOURCE_ALREADY_EXISTS')) throw e;
        exp = await this.getExperimentByName(name);
        if (!exp) throw e;
      }
    }
    if (exp.lifecycle_stage === 'deleted') {
      throw new WorkbenchError('TRACKING_INVALID', `experiment '${name}' (id ${exp.experiment_id}) is deleted on ${this.uri}`, {
        where: { source: this.uri },
        hint: `restore it (mlflow experiments restore --experiment-id ${exp.experiment_id}) or use another experiment name`,
      });
    }
    return exp;
  }

  async searchExperiments(req: SearchExperimentsRequest = {}): Promise<RestExperiment[]> {
    const out: RestExperiment[] = [];
    let pageToken: string | undefined;
    do {
      const body: SearchExperimentsRequest = { ...req };
      if (pageToken) body.page_token = pageToken;
      const r = await this.transport.request<SearchExperimentsResponse>({ method: 'POST', path: `${API}/experiments/search`, json: body });
      out.push(...(r.experiments ?? []));
      pageToken = r.next_page_token;
    } while (pageToken);
    return out;
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    await this.transport.request({ method: 'POST', path: `${API}/experiments/delete`, json: { experiment_id: experimentId } });
  }

  async restoreExperiment(experimentId: string): Promise<void> {
    await this.transport.request({ method: 'POST', path: `${API}/experiments/restore`, json: { experiment_id: experimentId } });
  }

  async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    await this.transport.request({ method: 'POST', path: `${API}/experiments/set-experiment-tag`, json: { experiment_id: experimentId, key, value } });
  }

  // Runs ------------------------------------------------------------------------------------------------

  /**
   * Creates a run, idempotently: `createKey` is stored as tag CREATE_KEY_TAG, and a retry after an attempt
   * that may have been applied first looks for the run carrying it.
   */
  async createRun(req: CreateRunRequest, createKey: string): Promise<RestRun> {
    const tags = [...(req.tags ?? []).filter((t) => t.key !== CREATE_KEY_TAG), { key: CREATE_KEY_TAG, value: createKey }];
    const request: RestRequest = {
      method: 'POST',
      path: `${API}/runs/create`,
      json: { ...req, tags },
      reconcile: async () => {
        const existing = await this.findRunByCreateKey(req.experiment_id, createKey);
        return existing ? { done: { run: existing } } : request;
      },
    };
    const r = await this.transport.request<RunResponse>(request);
    return r.run;
  }

  /** The run created with that key (see createRun), active or deleted, or undefined. */
  async findRunByCreateKey(experimentId: string, createKey: string): Promise<RestRun | undefined> {
    const r = await this.searchRuns({
      experiment_ids: [experimentId],
      filter: `tags.\`${CREATE_KEY_TAG}\` = '${createKey.replace(/'/g, "\\'")}'`,
      run_view_type: 'ALL',
      max_results: 2,
    });
    return r.runs?.[0];
  }

  async getRun(runId: string): Promise<RestRun> {
    const r = await this.transport.request<RunResponse>({ method: 'GET', path: `${API}/runs/get`, query: { run_id: runId } });
    return r.run;
  }

  async updateRun(req: UpdateRunRequest): Promise<RestRunInfo> {
    const r = await this.transport.request<UpdateRunResponse>({ method: 'POST', path: `${API}/runs/update`, json: req });
    return r.run_info;
  }

  async deleteRun(runId: string): Promise<void> {
    await this.transport.request({ method: 'POST', path: `${API}/runs/delete`, json: { run_id: runId } });
  }

  async restoreRun(runId: string): Promise<void> {
    await this.transport.request({ method: 'POST', path: `${API}/runs/restore`, json: { run_id: runId } });
  }

  /** One page of runs/search. */
  async searchRuns(req: SearchRunsRequest): Promise<SearchRunsResponse> {
    return this.transport.request<SearchRunsResponse>({ method: 'POST', path: `${API}/runs/search`, json: req });
  }

  /** Every run matching, following page tokens. */
  async searchAllRuns(req: SearchRunsRequest): Promise<RestRun[]> {
    const out: RestRun[] = [];
    let pageToken: string | undefined = req.page_token;
    do {
      const body: SearchRunsRequest = { ...req };
      if (pageToken) body.page_token = pageToken;
      else delete body.page_token;
      const r = await this.searchRuns(body);
      out.push(...(r.runs ?? []));
      pageToken = r.next_page_token;
    } while (pageToken);
    return out;
  }

  // Logging ---------------------------------------------------------------------------------------------

  /**
   * Logs metrics, params and tags, split at the server's limits (see splitLogBatch). Metric batches are
   * sent with a reconcile step, so a retry never writes a point twice.
   */
  async logBatch(runId: string, content: BatchContent): Promise<void> {
    for (const batch of splitLogBatch(content)) {
      if (batch.metrics) await this.logMetricBatch(runId, batch.metrics);
      else await this.transport.request({ method: 'POST', path: `${API}/runs/log-batch`, json: { run_id: runId, ...batch } });
    }
  }

  /** One batch of at most 1000 points; on an uncertain failure, resends only what the history lacks. */
  private async logMetricBatch(runId: string, metrics: RestMetric[]): Promise<void> {
    const request = (points: RestMetric[]): RestRequest => ({
      method: 'POST',
      path: `${API}/runs/log-batch`,
      json: { run_id: runId, metrics: points },
      reconcile: async () => {
        const missing = await this.missingMetricPoints(runId, points);
        return missing.length === 0 ? { done: {} } : request(missing);
      },
    });
    await this.transport.request(request(metrics));
  }

  /** The points the server does not hold yet (one get-history per key of `points`). */
  async missingMetricPoints(runId: string, points: RestMetric[]): Promise<RestMetric[]> {
    const history = new Map<string, RestMetric[]>();
    for (const key of new Set(points.map((p) => p.key))) history.set(key, await this.getMetricHistory(runId, key));
    return missingPoints(points, history);
  }

  async setTag(runId: string, key: string, value: string): Promise<void> {
    await this.transport.request({ method: 'POST', path: `${API}/runs/set-tag`, json: { run_id: runId, key, value } });
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    await this.transport.request({ method: 'POST', path: `${API}/runs/delete-tag`, json: { run_id: runId, key } });
  }

  /** Dataset inputs; the server dedupes an input it already holds, so this is safe to retry. */
  async logInputs(runId: string, datasets: RestDatasetInput[]): Promise<void> {
    await this.transport.request({ method: 'POST', path: `${API}/runs/log-inputs`, json: { run_id: runId, datasets } });
  }

  /** Every point of one metric, following page tokens. Values come as the server sends them. */
  async getMetricHistory(runId: string, key: string): Promise<RestMetric[]> {
    const out: RestMetric[] = [];
    let pageToken: string | undefined;
    do {
      const r: MetricHistoryResponse = await this.transport.request<MetricHistoryResponse>({
        method: 'GET',
        path: `${API}/metrics/get-history`,
        query: { run_id: runId, metric_key: key, page_token: pageToken },
      });
      out.push(...(r.metrics ?? []));
      pageToken = r.next_page_token;
    } while (pageToken);
    return out;
  }

  // Artifacts -------------------------------------------------------------------------------------------

  /** Uploads through the server's mlflow-artifacts proxy (a PUT overwrites, so retries are safe). */
  async uploadArtifact(artifactUri: string, artifactPath: string, data: Uint8Array, contentType = 'application/octet-stream'): Promise<void> {
    await this.transport.request({ method: 'PUT', path: this.artifactUrlPath(artifactUri, artifactPath), bytes: data, contentType });
  }

  async downloadArtifact(artifactUri: string, artifactPath: string): Promise<Uint8Array> {
    return this.transport.request<Uint8Array>({ method: 'GET', path: this.artifactUrlPath(artifactUri, artifactPath), bytesResponse: true });
  }

  /** The entries directly under `path` ('' = the root), paths relative to the run's artifact root. */
  async listArtifacts(runId: string, path = ''): Promise<RestFileInfo[]> {
    const out: RestFileInfo[] = [];
    let pageToken: string | undefined;
    do {
      const r: ListArtifactsResponse = await this.transport.request<ListArtifactsResponse>({
        method: 'GET',
        path: `${API}/artifacts/list`,
        query: { run_id: runId, path: path === '' ? undefined : path, page_token: pageToken },
      });
      out.push(...(r.files ?? []));
      pageToken = r.next_page_token;
    } while (pageToken);
    return out;
  }

  /** `mlflow-artifacts:/1/<run>/artifacts` + `dir/a.txt` -> `/api/2.0/mlflow-artifacts/artifacts/1/<run>/artifacts/dir/a.txt`. */
  artifactUrlPath(artifactUri: string, artifactPath: string): string {
    const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/?(.*)$/.exec(artifactUri);
    if (!m) {
      throw new WorkbenchError('TRACKING_REQUEST', `the run's artifact location '${artifactUri}' is not served by the tracking server ${this.uri}`, {
        where: { source: this.uri },
        hint: 'start the server with artifact serving (mlflow server --serve-artifacts, the default since 2.0) and a fresh experiment',
      });
    }
    const clean = artifactPath.split('/').filter((s) => s !== '' && s !== '.');
    if (clean.includes('..')) throw new WorkbenchError('TRACKING_INVALID', `artifact path '${artifactPath}' leaves the run's artifact folder`, { where: { path: artifactPath } });
    const root = m[1]!.replace(/\/+$/, '');
    return `${ARTIFACTS_API}/${[...root.split('/'), ...clean].map(encodeURIComponent).join('/')}`;
  }
}
