/**
 * The body of a model thread (see thread-model.ts): it opens one runner and runs each batch it is sent, one
 * message in, one message out. Item failures are already results; a failed batch comes back as the error's code
 * and message, so the caller can rebuild the same EngineError.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EngineError } from '../core/errors.js';
import { getModelRunner } from './runner.js';
import { unpackBatch, type ThreadReply, type ThreadRequest, type ThreadSettings } from './thread-messages.js';

const port = parentPort;
if (!port) throw new Error('model-thread.ts runs only as a worker thread (thread-model.ts starts it)');
const settings = workerData as ThreadSettings;
const log = (level: 'info' | 'warn') => (message: string) => port.postMessage({ kind: 'log', level, message } satisfies ThreadReply);
const runner = getModelRunner(settings.manifestPath, { maxPixels: settings.maxPixels, logger: { info: log('info'), warn: log('warn') } });

async function answer(request: ThreadRequest): Promise<ThreadReply> {
  try {
    if (request.kind === 'load') {
      await runner.load();
      return { kind: 'loaded', id: request.id, name: runner.name, provider: runner.provider ?? 'cpu' };
    }
    return { kind: 'ran', id: request.id, response: await runner.runBatch(unpackBatch(request.batch)) };
  } catch (error) {
    const known = error instanceof EngineError ? error : new EngineError('internal', (error as Error).message);
    return { kind: 'failed', id: request.id, code: known.code, message: known.message };
  }
}

port.on('message', (request: ThreadRequest) => {
  void answer(request).then((reply) => port.postMessage(reply));
});
