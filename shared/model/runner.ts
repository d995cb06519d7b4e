/**
 * Runs a whole batch of images through the model in one onnxruntime call. Each image is decoded and
 * preprocessed on its own, so a bad image fails only its own item; the good ones go into one tensor.
 * The session opens on first use and is kept for the life of the process (one runner per manifest).
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import ort from 'onnxruntime-node';
import { EngineError } from '../core/errors.js';
import type { BatchResponse, DecodedBatch, ItemResult } from '../protocol/batch.js';
import { loadManifest, type ExecutionProvider, type ModelManifest } from './manifest.js';
import { softmax, textMapSummary, topK } from './postprocess.js';
import { DEFAULT_MAX_PIXELS, preprocessImage, writeTensorSlot, type ResizedImage } from './preprocess.js';
import { openSession, silentLogger, type ModelLogger, type OpenedSession } from './session.js';

export interface RunOptions {
  /** When the batch was received, on the runner's clock, so totalMs includes any wait before the run. */
  readonly receivedAtMs?: number;
}

/** What servers need of a model (an interface, so tests and the inference function can inject one). */
export interface BatchModel {
  readonly name: string;
  /** Whether the session is open. */
  readonly loaded: boolean;
  /** Opens the session now rather than on the first batch. */
  load(): Promise<void>;
  runBatch(batch: DecodedBatch, options?: RunOptions): Promise<BatchResponse>;
}

export interface ModelRunnerOptions {
  /** Largest image accepted, in pixels (width x height from the header, checked before decoding). */
  readonly maxPixels?: number;
  readonly logger?: ModelLogger;
  /** Milliseconds for timings; performance.now by default. */
  readonly now?: () => number;
  /**
   * Images decoded at once. A compressed image may decode to far more bytes than it has (25 megapixels are
   * 75 MB of RGB), so a batch is decoded a few at a time, not all at once. Default: the machine's cores.
   */
  readonly decodeConcurrency?: number;
}

/** Maps with at most `limit` calls in flight, keeping the order of the input. */
async function mapLimited<T, R>(values: readonly T[], limit: number, fn: (value: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(values.length);
  let next = 0;
  const worker = async () => {
    while (next < values.length) {
      const index = next++;
      results[index] = await fn(values[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, values.length) }, worker));
  return results;
}

/** Item content types accepted: any image type, or bytes to sniff; sharp checks the real format. */
function acceptsContentType(contentType: string): boolean {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type.startsWith('image/') || type === 'application/octet-stream';
}

function failure(id: string, error: unknown): ItemResult {
  const engineError = error instanceof EngineError ? error : new EngineError('invalid_input', (error as Error).message);
  return { id, ok: false, error: { code: engineError.code, message: engineError.message } };
}

export class ModelRunner implements BatchModel {
  readonly name: string;
  private opening: Promise<OpenedSession> | undefined;
  private opened: OpenedSession | undefined;
  private readonly maxPixels: number;
  private readonly logger: ModelLogger;
  private readonly now: () => number;
  private readonly decodeConcurrency: number;

  constructor(
    readonly manifest: ModelManifest,
    options: ModelRunnerOptions = {},
  ) {
    this.name = manifest.name;
    this.maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? (() => performance.now());
    this.decodeConcurrency = Math.max(1, options.decodeConcurrency ?? availableParallelism());
  }

  get loaded(): boolean {
    return this.opened !== undefined;
  }

  /** The execution provider in use, once loaded. */
  get provider(): ExecutionProvider | undefined {
    return this.opened?.provider;
  }

  async load(): Promise<void> {
    await this.session();
  }

  private session(): Promise<OpenedSession> {
    // A failed open is forgotten so the next batch tries again (a GPU that was busy, a file being copied).
    this.opening ??= openSession(this.manifest, this.logger).then(
      (opened) => (this.opened = opened),
      (error: unknown) => {
        this.opening = undefined;
        throw error;
      },
    );
    return this.opening;
  }

  async runBatch(batch: DecodedBatch, options: RunOptions = {}): Promise<BatchResponse> {
    const startedAt = options.receivedAtMs ?? this.now();
    const { session } = await this.session();
    const preprocessStart = this.now();
    const spec = this.manifest.input;
    const images = await mapLimited(batch.items, this.decodeConcurrency, async (item): Promise<ResizedImage | ItemResult> => {
      if (!acceptsContentType(item.contentType)) {
        return failure(item.id, new EngineError('unsupported_media_type', `Item content type ${item.contentType} is not an image type`));
      }
      try {
        return await preprocessImage(item.data, spec, this.maxPixels);
      } catch (error) {
        return failure(item.id, error);
      }
    });
    const good = images.flatMap((image, index) => ('rgb' in image ? [{ index, image }] : []));
    const slot = 3 * spec.height * spec.width;
    const tensor = new Float32Array(good.length * slot);
    good.forEach(({ image }, position) => writeTensorSlot(tensor, position, image, spec));
    const inferStart = this.now();
    const preprocessMs = inferStart - preprocessStart;
    const rows = good.length > 0 ? await this.infer(session, tensor, good.length) : [];
    const inferMs = this.now() - inferStart;

    const rowOf = new Map(good.map((entry, position) => [entry.index, position]));
    const results = images.map((image, index): ItemResult => {
      if (!('rgb' in image)) return image;
      const row = rows[rowOf.get(index)!]!;
      const { postprocess, k, threshold } = this.manifest.output;
      if (postprocess === 'text-map') return { id: batch.items[index]!.id, ok: true, labels: textMapSummary(row, threshold) };
      const scores = postprocess === 'softmax-topk' ? softmax(row) : row;
      return { id: batch.items[index]!.id, ok: true, labels: topK(scores, k, this.manifest.labels) };
    });
    return { batchId: batch.batchId, model: this.name, results, timings: { preprocessMs, inferMs, totalMs: this.now() - startedAt } };
  }

  /** The one model call; returns one row of class scores (or, for a text map, one map) per image. */
  private async infer(session: ort.InferenceSession, tensor: Float32Array, count: number): Promise<Float32Array[]> {
    const { input, output } = this.manifest;
    const dims = input.layout === 'NCHW' ? [count, 3, input.height, input.width] : [count, input.height, input.width, 3];
    let outputs: ort.InferenceSession.OnnxValueMapType;
    try {
      outputs = await session.run({ [input.name]: new ort.Tensor('float32', tensor, dims) }, [output.name]);
    } catch (error) {
      throw new EngineError('internal', `Model ${this.name} failed on a batch of ${count}: ${(error as Error).message}`);
    }
    const result = outputs[output.name] as ort.Tensor;
    const data = result.data as Float32Array;
    const classes = data.length / count;
    if (!Number.isInteger(classes) || result.dims[0] !== count) {
      throw new EngineError('internal', `Model ${this.name} answered shape [${result.dims.join(', ')}] for a batch of ${count}`);
    }
    const labels = this.manifest.labels;
    if (labels && output.postprocess !== 'text-map' && labels.length !== classes) {
      throw new EngineError('internal', `Model manifest ${this.manifest.source} lists ${labels.length} labels but the model outputs ${classes} classes`);
    }
    return Array.from({ length: count }, (_, row) => data.subarray(row * classes, (row + 1) * classes));
  }
}

const runners = new Map<string, ModelRunner>();

/**
 * The process's runner for a manifest file (or the built-in default when no path is given), created on first
 * request; options apply to that first creation only.
 */
export function getModelRunner(manifestPath?: string, options: ModelRunnerOptions = {}): ModelRunner {
  const key = manifestPath ? resolve(manifestPath) : 'built-in';
  let runner = runners.get(key);
  if (!runner) {
    runner = new ModelRunner(loadManifest(manifestPath), options);
    runners.set(key, runner);
  }
  return runner;
}

/** What a model needs from the environment: MODEL_MANIFEST (a manifest file; the built-in default when unset) and MAX_IMAGE_PIXELS. */
export function modelSettingsFromEnv(env: NodeJS.ProcessEnv): { readonly manifestPath?: string; readonly maxPixels: number } {
  const rawPixels = env.MAX_IMAGE_PIXELS;
  const maxPixels = rawPixels === undefined || rawPixels === '' ? DEFAULT_MAX_PIXELS : Number(rawPixels);
  if (!Number.isInteger(maxPixels) || maxPixels < 1) {
    throw new EngineError('invalid_input', `MAX_IMAGE_PIXELS: Expected a positive integer, got "${rawPixels}"`);
  }
  return { ...(env.MODEL_MANIFEST ? { manifestPath: env.MODEL_MANIFEST } : {}), maxPixels };
}

/** The process's runner for the model the environment names (modelSettingsFromEnv). */
export function modelRunnerFromEnv(env: NodeJS.ProcessEnv, logger?: ModelLogger): ModelRunner {
  const { manifestPath, maxPixels } = modelSettingsFromEnv(env);
  return getModelRunner(manifestPath, { maxPixels, ...(logger ? { logger } : {}) });
}
