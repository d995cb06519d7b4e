/**
 * Offline checks of the function configurations in s.yaml (as `s preview -o json` renders them): the fc3
 * component's own JSON schema, plus the Function Compute rules that schema does not encode but FC's API
 * enforces at deploy time (docs: "Configure environment variables", CreateFunctionInput). Catching them here
 * means a bad s.yaml fails in CI instead of half-way through `s deploy`.
 */
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';

/** FC reserves `FC_*` names for what it injects (FC_FUNCTION_NAME, FC_REGION, ...). */
export const RESERVED_ENV_PREFIX = 'FC_';
/** FC's limit on all environment variables of a function together. */
export const MAX_ENV_BYTES = 4 * 1024;
/** Memory must be a multiple of this (MB). */
export const MEMORY_STEP_MB = 64;
/** vCPU : memory (GB) must lie in [1:1, 1:4], i.e. GB per vCPU between these. */
export const MIN_GB_PER_VCPU = 1;
export const MAX_GB_PER_VCPU = 4;
/** FC's defaults when a prop is omitted (fc3 src/default/config.ts; CreateFunctionInput). */
const DEFAULT_MEMORY_MB = 512;
const DEFAULT_CPU = 0.35;

export interface FunctionProps {
  readonly functionName?: unknown;
  readonly memorySize?: unknown;
  readonly cpu?: unknown;
  readonly environmentVariables?: unknown;
  readonly [key: string]: unknown;
}

/** Bytes of the environment as FC counts it: the JSON map of names to values (the API's representation). */
export function environmentBytes(env: Readonly<Record<string, unknown>>): number {
  return Buffer.byteLength(JSON.stringify(env), 'utf8');
}

/** The rules the schema misses, as readable messages (empty when the function is fine). */
export function checkFunctionRules(props: FunctionProps): string[] {
  const problems: string[] = [];
  const env = props.environmentVariables;
  if (env !== undefined) {
    if (typeof env !== 'object' || env === null || Array.isArray(env)) {
      problems.push(`environmentVariables: expected a map of names to strings, got ${JSON.stringify(env)}`);
    } else {
      const map = env as Record<string, unknown>;
      for (const name of Object.keys(map)) {
        if (name.toUpperCase().startsWith(RESERVED_ENV_PREFIX)) {
          problems.push(`environmentVariables.${name}: names starting with ${RESERVED_ENV_PREFIX} are reserved by Function Compute`);
        }
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
          problems.push(`environmentVariables.${name}: names may hold only letters, digits and underscores`);
        }
        if (typeof map[name] !== 'string') {
          problems.push(`environmentVariables.${name}: expected a string value, got ${JSON.stringify(map[name])}`);
        }
      }
      const bytes = environmentBytes(map);
      if (bytes > MAX_ENV_BYTES) {
        problems.push(`environmentVariables: ${bytes} bytes in all, over Function Compute's limit of ${MAX_ENV_BYTES}`);
      }
    }
  }
  const memoryMb = props.memorySize ?? DEFAULT_MEMORY_MB;
  const cpu = props.cpu ?? DEFAULT_CPU;
  if (typeof memoryMb === 'number' && memoryMb % MEMORY_STEP_MB !== 0) {
    problems.push(`memorySize: ${memoryMb} MB is not a multiple of ${MEMORY_STEP_MB} MB`);
  }
  if (typeof memoryMb === 'number' && typeof cpu === 'number' && cpu > 0) {
    const gbPerVcpu = memoryMb / 1024 / cpu;
    // A hair of tolerance: 0.35 vCPU and similar are not exact in binary.
    if (gbPerVcpu < MIN_GB_PER_VCPU - 1e-9 || gbPerVcpu > MAX_GB_PER_VCPU + 1e-9) {
      problems.push(
        `cpu: ${cpu} vCPU with ${memoryMb} MB is 1:${gbPerVcpu.toFixed(2)} (vCPU:GB); Function Compute needs between 1:${MIN_GB_PER_VCPU} and 1:${MAX_GB_PER_VCPU}`,
      );
    }
  }
  return problems;
}

/** A validator for `resources.*.props` of the fc3 component, from its JSON schema (draft-07). */
export function createFc3PropsValidator(schema: object): (props: unknown) => string[] {
  // The same options the component itself uses (src/utils/verify.ts), so we reject what it would flag.
  const ajv = new Ajv({ allErrors: true, strictSchema: true, validateSchema: true, strictTuples: false });
  const validate: ValidateFunction = ajv.compile(schema);
  return (props) => (validate(props) ? [] : (validate.errors ?? []).map(formatAjvError));
}

function formatAjvError(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(props)' : error.instancePath;
  const allowed = error.keyword === 'enum' ? ` (${(error.params as { allowedValues: unknown[] }).allowedValues.slice(0, 8).join(', ')}, ...)` : '';
  return `${where} ${error.message ?? error.keyword}${allowed}`;
}

/** Everything wrong with one resource: schema errors first, then FC's rules. */
export function checkResource(name: string, props: FunctionProps, validateSchema: (props: unknown) => string[]): string[] {
  return [...validateSchema(props), ...checkFunctionRules(props)].map((problem) => `${name}: ${problem}`);
}
