import { EngineError, expected } from '../errors.js';

/**
 * FC 3.0 lets vCPU and memory be chosen together within memory(GB) : vCPU between 1:1 and 1:4, vCPU a multiple
 * of 0.05 (Function Compute 3.0 API reference, CreateFunctionInput). The default here is the middle of
 * that band, 2 GB per vCPU (1024 MB -> 0.5 vCPU, 2048 -> 1, 4096 -> 2): the prototype's measurements name only
 * memory, and ResNet-50 on CPU is compute bound, so a fixed ratio makes the fitted latency-per-memory curve a
 * latency-per-compute curve. `GB_PER_VCPU` is the one place to change that assumption.
 */
export const GB_PER_VCPU = 2;

export function defaultCpuForMemory(memoryMb: number, gbPerVcpu = GB_PER_VCPU): number {
  if (!(memoryMb >= 128) || memoryMb % 64 !== 0) throw new EngineError('invalid_input', expected('a memory size >= 128 MB, multiple of 64', memoryMb));
  if (!(gbPerVcpu >= 1 && gbPerVcpu <= 4)) throw new EngineError('invalid_input', expected('GB per vCPU between 1 and 4', gbPerVcpu));
  const gb = memoryMb / 1024;
  const raw = Math.round(gb / gbPerVcpu / 0.05) * 0.05;
  // Keep inside the 1:1..1:4 band after rounding, and within FC's 0.05 floor.
  const bounded = Math.min(gb, Math.max(gb / 4, raw, 0.05));
  return Math.round(bounded * 100) / 100;
}
