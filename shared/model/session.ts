/**
 * Opens the onnxruntime session: each execution provider the manifest lists is tried in order (a Jetson's
 * TensorRT or CUDA, say), logged and skipped when this build or machine lacks it, with the CPU as the last resort.
 */
import ort from 'onnxruntime-node';
import { EngineError, expected } from '../core/errors.js';
import type { ExecutionProvider, ModelManifest } from './manifest.js';

/** What the runner logs; a pino logger fits. */
export interface ModelLogger {
  info(message: string): void;
  warn(message: string): void;
}

export const silentLogger: ModelLogger = { info: () => {}, warn: () => {} };

export interface OpenedSession {
  readonly session: ort.InferenceSession;
  readonly provider: ExecutionProvider;
}

export async function openSession(manifest: ModelManifest, logger: ModelLogger): Promise<OpenedSession> {
  const providers: ExecutionProvider[] = [...new Set<ExecutionProvider>([...manifest.executionProviders, 'cpu'])];
  const failures: string[] = [];
  for (const provider of providers) {
    try {
      const session = await ort.InferenceSession.create(manifest.modelPath, {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        ...(manifest.intraOpThreads > 0 ? { intraOpNumThreads: manifest.intraOpThreads } : {}),
      });
      checkNames(session, manifest);
      logger.info(`Model ${manifest.name} loaded from ${manifest.modelPath} on ${provider}`);
      return { session, provider };
    } catch (error) {
      if (error instanceof EngineError) throw error;
      const reason = (error as Error).message.split('\n')[0];
      failures.push(`${provider}: ${reason}`);
      if (provider !== 'cpu') logger.warn(`Execution provider ${provider} is not available (${reason}); falling back`);
    }
  }
  throw new EngineError('internal', `Model ${manifest.name} could not be loaded from ${manifest.modelPath}: ${failures.join('; ')}`);
}

function checkNames(session: ort.InferenceSession, manifest: ModelManifest): void {
  if (!session.inputNames.includes(manifest.input.name)) {
    throw new EngineError('invalid_input', `Model manifest ${manifest.source}: input.name: ${expected(`one of ${session.inputNames.join(', ')}`, manifest.input.name)}`);
  }
  if (!session.outputNames.includes(manifest.output.name)) {
    throw new EngineError('invalid_input', `Model manifest ${manifest.source}: output.name: ${expected(`one of ${session.outputNames.join(', ')}`, manifest.output.name)}`);
  }
}
