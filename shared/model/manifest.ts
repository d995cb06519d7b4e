/**
 * The model manifest: everything the runner needs to know about an ONNX image model, so that a user can serve
 * their own model (a ResNet-50 with ImageNet labels, say) by writing a JSON file, without code changes.
 * Paths inside a manifest are absolute, relative to the manifest's folder, or `package:<npm package>/<file>`.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { EngineError } from '../core/errors.js';
import { DEFAULT_MANIFEST } from './default-manifest.js';
import { resolveModelFile } from './package-path.js';
import { formatZodIssues } from './zod-message.js';

/** Execution providers onnxruntime-node knows; each is tried in order and 'cpu' is always the last resort. */
export const EXECUTION_PROVIDERS = ['tensorrt', 'cuda', 'dml', 'coreml', 'webgpu', 'cpu'] as const;
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number];

/**
 * How an image becomes a height x width input:
 * - `stretch`: resize to exactly width x height, ignoring the aspect ratio;
 * - `pad-right`: PaddleOCR's text-line resize: height fixed, width scaled with the aspect ratio up to the input
 *   width, the rest padded with zeros (after normalisation, as PaddleOCR does);
 * - `center-crop`: torchvision's classifier resize: the shorter side to min(height, width) / cropFraction,
 *   then the centre height x width.
 */
export const RESIZE_MODES = ['stretch', 'pad-right', 'center-crop'] as const;
export type ResizeMode = (typeof RESIZE_MODES)[number];

const rgbTriple = z.array(z.number().finite()).length(3);

const InputSchema = z
  .object({
    name: z.string().min(1),
    layout: z.enum(['NCHW', 'NHWC']),
    height: z.number().int().min(1).max(4096),
    width: z.number().int().min(1).max(4096),
    channelOrder: z.enum(['RGB', 'BGR']),
    resize: z.enum(RESIZE_MODES),
    /** Only for center-crop: the crop's share of the resized shorter side (224/256 = 0.875 for ImageNet). */
    cropFraction: z.number().gt(0).max(1).default(0.875),
    /** value = (pixel * scale - mean[c]) / std[c], c in the model's channel order. */
    scale: z.number().finite().positive().default(1 / 255),
    mean: rgbTriple.default([0, 0, 0]),
    std: rgbTriple.refine((values) => values.every((value) => value !== 0), 'non-zero std values').default([1, 1, 1]),
  })
  .strict();

/**
 * How the output tensor becomes labels:
 * - `softmax-topk`: logits per class, the k best after a softmax;
 * - `topk`: probabilities per class, the k best;
 * - `text-map`: a text detector's per-pixel text probability map (PaddleOCR's DB detector, [N, 1, H, W]),
 *   summarised per image as `text` (the highest pixel probability: is there text at all) and `text-area` (the
 *   share of pixels at or above `threshold`, PaddleOCR's DB binarisation threshold, default 0.3).
 */
export const POSTPROCESS_MODES = ['softmax-topk', 'topk', 'text-map'] as const;
export type PostprocessMode = (typeof POSTPROCESS_MODES)[number];

const OutputSchema = z
  .object({
    name: z.string().min(1),
    postprocess: z.enum(POSTPROCESS_MODES),
    k: z.number().int().min(1).max(1000).default(5),
    /** Only for text-map: a pixel counts as text at or above this probability. */
    threshold: z.number().gt(0).lt(1).default(0.3),
  })
  .strict();

export const ManifestSchema = z
  .object({
    /** Reported in every BatchResponse. */
    name: z.string().min(1).max(200),
    model: z.string().min(1),
    input: InputSchema,
    output: OutputSchema,
    /** Class names in output order, inline or a file with one per line; class indices when absent. */
    labels: z
      .union([z.array(z.string()).min(1), z.object({ file: z.string().min(1) }).strict()], {
        error: 'a list of labels or {"file": "<path>"}',
      })
      .optional(),
    executionProviders: z.array(z.enum(EXECUTION_PROVIDERS)).min(1).default(['cpu']),
    /** onnxruntime intra-op threads; 0 lets onnxruntime decide (all cores). */
    intraOpThreads: z.number().int().min(0).max(256).default(0),
  })
  .strict();

export type ManifestInput = z.input<typeof ManifestSchema>;
type ParsedManifest = z.output<typeof ManifestSchema>;

/** A checked manifest with its files found on disk. */
export interface ModelManifest extends Omit<ParsedManifest, 'labels' | 'model'> {
  /** Absolute path of the .onnx file. */
  readonly modelPath: string;
  /** Class names, or undefined to report class indices. */
  readonly labels: readonly string[] | undefined;
  /** Where it came from (a file, or "built-in"), for messages. */
  readonly source: string;
}

/** Checks a manifest object and resolves its files relative to `baseDir`. */
export function parseManifest(raw: unknown, baseDir: string, source: string): ModelManifest {
  const result = ManifestSchema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new EngineError('invalid_input', `Model manifest ${source}: ${formatZodIssues(result.error.issues)}`);
  const { model, labels, ...rest } = result.data;
  const inSource = (error: unknown): never => {
    throw new EngineError('invalid_input', `Model manifest ${source}: ${(error as Error).message}`);
  };
  let modelPath = '';
  try {
    modelPath = resolveModelFile(model, baseDir);
  } catch (error) {
    inSource(error);
  }
  let labelList: string[] | undefined;
  if (Array.isArray(labels)) labelList = labels;
  else if (labels) {
    try {
      labelList = readFileSync(resolveModelFile(labels.file, baseDir), 'utf8')
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== '');
    } catch (error) {
      inSource(error);
    }
    if (labelList?.length === 0) inSource(new Error(`labels file ${labels.file} has no labels`));
  }
  return { ...rest, modelPath, labels: labelList, source };
}

/** Reads a manifest file (JSON). */
export function loadManifestFile(path: string): ModelManifest {
  const absolute = resolve(path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new EngineError('invalid_input', `Model manifest ${absolute} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new EngineError('invalid_input', `Model manifest ${absolute} is not JSON: ${(error as Error).message}`);
  }
  return parseManifest(raw, dirname(absolute), absolute);
}

/** The manifest a process should serve: the file named (e.g. by MODEL_MANIFEST), or the built-in default. */
export function loadManifest(path?: string): ModelManifest {
  // import.meta.url rather than import.meta.dirname: FC's nodejs20 runtime may predate Node 20.11.
  return path ? loadManifestFile(path) : parseManifest(DEFAULT_MANIFEST, dirname(fileURLToPath(import.meta.url)), 'built-in');
}
