export * from './arrivals.js';
export * from './bandwidth.js';
export * from './bandwidth-trace.js';
export * from './text-lines.js';
