/**
 * The whole system on this machine: the inference function (served over HTTP as `npm run inference` does), an
 * edge agent behind a link shaped to a real bandwidth trace, and the scheduler, each its own process on
 * loopback. `npm start`, the integration tests and the chaos suite all start it this way.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BandwidthTrace } from '../../shared/core/traces/index.js';
import { DEFAULT_MANIFEST } from '../../shared/model/default-manifest.js';
import { parseManifest, type ManifestInput } from '../../shared/model/manifest.js';
import { startProcess, type ManagedProcess } from './child-process.js';
import { freePort } from './free-port.js';
import { ShapedLink, startShapingProxy, type ShapingProxy } from './shaping-proxy.js';

const ROOT = join(import.meta.dirname, '..', '..');
/** Where the built-in manifests' `package:` and relative paths resolve from. */
const MODEL_DIR = join(ROOT, 'shared', 'model');

export interface LocalStackOptions {
  /** The edge link's bandwidth over time. */
  readonly edgeLink: BandwidthTrace;
  readonly sloMs: number;
  /**
   * Runs once the lanes are up and before the scheduler starts (e.g. `edgebatch calibrate` against them);
   * the profiles file it returns is what the scheduler starts from.
   */
  readonly prepare?: (lanes: { edgeDirectUrl: string; inferenceUrl: string; secret: string }) => Promise<string | undefined>;
  /** Print the scheduler's prototype-style log lines here. */
  readonly onSchedulerLine?: (line: string) => void;
  /** Extra scheduler environment (limits, planner settings). */
  readonly schedulerEnv?: Record<string, string>;
  /** State folder; default a fresh temporary one, removed on stop. */
  readonly stateDir?: string;
  /** How the model processes (inference function, edge agent) run; default: normal priority, all cores. */
  readonly laneProcesses?: LaneProcessOptions;
  /**
   * The model both lanes serve, as a manifest; default the built-in direction classifier (DEFAULT_MANIFEST).
   * Its relative and `package:` paths resolve from `modelBaseDir` (default shared/model, as the built-in ones do).
   */
  readonly model?: ManifestInput;
  readonly modelBaseDir?: string;
}

/**
 * On a small machine the scheduler, the edge agent, the inference function and a load generator share a few
 * cores, as they never do in production (the edge model runs on the Jetson's GPU, the inference function on
 * FC). An onnxruntime session uses every core by default, so under load the model processes starve the
 * scheduler and even a 429 takes seconds. These settings keep the lanes from crowding the scheduler out.
 */
export interface LaneProcessOptions {
  /** CPU priority increment for the model processes (`nice -n`, 1-19; POSIX only). */
  readonly nice?: number;
  /**
   * onnxruntime intra-op threads per model process (the manifest's `intraOpThreads`, written to a manifest in
   * the state folder); libvips (sharp) is held to the same count through VIPS_CONCURRENCY.
   */
  readonly modelThreads?: number;
}

/**
 * Env for the model processes: a manifest (the model chosen, with the thread limit) and libvips' concurrency;
 * empty for the built-in model at default threads.
 */
function modelProcessEnv(options: LocalStackOptions, stateDir: string): Record<string, string> {
  const threads = options.laneProcesses?.modelThreads;
  if (threads === undefined && options.model === undefined) return {};
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) throw new Error(`modelThreads: Expected an integer >= 1, got ${threads}`);
  const chosen = options.model ?? DEFAULT_MANIFEST;
  // Files resolved here (the model, a labels file), so the manifest works from the state folder.
  const { modelPath, labels } = parseManifest(chosen, options.modelBaseDir ?? MODEL_DIR, 'the stack model');
  const manifestPath = join(stateDir, 'model-manifest.json');
  const written = { ...chosen, model: modelPath, ...(labels ? { labels } : {}), ...(threads !== undefined ? { intraOpThreads: threads } : {}) };
  writeFileSync(manifestPath, JSON.stringify(written, null, 2));
  return { MODEL_MANIFEST: manifestPath, ...(threads !== undefined ? { VIPS_CONCURRENCY: String(threads) } : {}) };
}

export interface LocalStack {
  readonly schedulerUrl: string;
  /** The edge agent's own URL (unshaped), for calibration. */
  readonly edgeDirectUrl: string;
  readonly inferenceUrl: string;
  readonly secret: string;
  readonly processes: { scheduler: ManagedProcess; edge: ManagedProcess; inference: ManagedProcess };
  /** The shaped edge link (batches to the agent and its probes cross it). */
  readonly link: ShapedLink;
  /** Where the scheduler sends edge batches: the agent behind the shaped link. */
  readonly edgeShapedUrl: string;
  /** Starts the edge agent again after a kill, on the same port. */
  restartEdge(): Promise<void>;
  stop(): Promise<void>;
}

/** The secret the local stack's parts share (loopback only; a deployment sets its own). */
const LOCAL_SECRET = 'local-stack-secret-0123456789';

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'edgebatch-stack-'));
  const [schedulerPort, edgePort, inferencePort] = [await freePort(), await freePort(), await freePort()];
  const schedulerUrl = `http://127.0.0.1:${schedulerPort}`;
  const started: ManagedProcess[] = [];
  const link = new ShapedLink(options.edgeLink);
  const proxies: ShapingProxy[] = [];
  const modelEnv = modelProcessEnv(options, stateDir);
  const nice = options.laneProcesses?.nice;
  try {
    const inference = await startProcess({
      name: 'inference',
      script: join(ROOT, 'functions/inference/local-main.ts'),
      env: { PORT: String(inferencePort), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...modelEnv },
      healthUrl: `http://127.0.0.1:${inferencePort}/healthz`,
      ...(nice ? { nice } : {}),
    });
    started.push(inference);
    // Batches cross the link towards the agent; the agent's probes download from the scheduler across it too.
    const toEdge = await startShapingProxy({ targetPort: edgePort, link, shape: 'to-target' });
    const toScheduler = await startShapingProxy({ targetPort: schedulerPort, link, shape: 'from-target' });
    proxies.push(toEdge, toScheduler);
    const edgeShapedUrl = `http://127.0.0.1:${toEdge.port}/v1/batch`;
    const edgeEnv = {
      PORT: String(edgePort),
      HOST: '127.0.0.1',
      SCHEDULER_URL: `http://127.0.0.1:${toScheduler.port}`,
      EDGE_SECRET: LOCAL_SECRET,
      // The scheduler reaches the agent through the shaped link.
      PUBLIC_URL: edgeShapedUrl,
      AGENT_ID: 'local-edge',
      REPORT_INTERVAL_MS: '1000',
      PROBE_INTERVAL_MS: '2000',
      ...modelEnv,
    };
    const startEdge = () =>
      startProcess({ name: 'edge-agent', script: join(ROOT, 'edge-agent/main.ts'), env: edgeEnv, healthUrl: `http://127.0.0.1:${edgePort}/healthz`, ...(nice ? { nice } : {}) });
    let edge = await startEdge();
    started.push(edge);
    const edgeDirectUrl = `http://127.0.0.1:${edgePort}/v1/batch`;
    const inferenceUrl = `http://127.0.0.1:${inferencePort}/v1/batch`;
    const profilesFile = await options.prepare?.({ edgeDirectUrl, inferenceUrl, secret: LOCAL_SECRET });
    const scheduler = await startProcess({
      name: 'scheduler',
      script: join(ROOT, 'functions/scheduler/main.ts'),
      env: {
        PORT: String(schedulerPort),
        HOST: '127.0.0.1',
        EDGE_URLS: edgeShapedUrl,
        INFERENCE_URL: inferenceUrl,
        EDGE_SECRET: LOCAL_SECRET,
        CONFIG_SECRET: LOCAL_SECRET,
        SLO_MS: String(options.sloMs),
        STORE: 'file',
        STORE_DIR: join(stateDir, 'state'),
        PROTOTYPE_LOG: '1',
        LOG_LEVEL: 'warn',
        ...(profilesFile ? { PROFILES_FILE: profilesFile } : {}),
        ...options.schedulerEnv,
      },
      healthUrl: `${schedulerUrl}/healthz`,
      ...(options.onSchedulerLine ? { onLine: options.onSchedulerLine } : {}),
    });
    started.push(scheduler);
    const processes = { scheduler, edge, inference };
    return {
      schedulerUrl,
      edgeDirectUrl,
      inferenceUrl,
      secret: LOCAL_SECRET,
      processes,
      link,
      edgeShapedUrl,
      async restartEdge() {
        await edge.stop();
        edge = await startEdge();
        processes.edge = edge;
      },
      async stop() {
        await scheduler.stop(); // first, so it answers what it holds while the lanes still run
        await Promise.all([processes.edge.stop(), inference.stop()]);
        await Promise.all(proxies.map((proxy) => proxy.close()));
        link.close();
        if (!options.stateDir) rmSync(stateDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all(started.map((process) => process.stop()));
    await Promise.all(proxies.map((proxy) => proxy.close()));
    link.close();
    throw error;
  }
}
