/**
 * Where the scheduler's CPU goes under the bench's load: runs the scheduler with `node --cpu-prof` behind the
 * instant lanes (bench/scheduler-harness.ts), drives it with the overhead bench's open loop (the 24 KB JPEG at
 * 2,000 requests/s) and then its closed loop (64 connections, 1x1 PNG), and summarises the profile's self time
 * by function and by where the code lives.
 *
 * `npx tsx bench/scheduler-profile.ts --label before` (or `after`) stores that run under its label in
 * bench/results/scheduler-profile.json and rewrites bench/results/scheduler-profile.md from every label kept
 * there, so a change's profile sits beside the one it was made against. About 40 s. `--tree <dir>` runs the
 * scheduler from another source tree (an earlier commit unpacked with `git archive`, node_modules linked in), so
 * both profiles can be taken in one sitting, under the same load on the machine; `--commit` names that commit.
 */
import { BUNDLED_IMAGE } from '../cli/bundled-assets.js';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { markdownTable } from './report.js';
import { load, startInstantLanes, startScheduler, stop } from './scheduler-harness.js';

const ROOT = join(import.meta.dirname, '..');
const RESULTS = join(import.meta.dirname, 'results');
const TOP = 25;

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface CpuProfile {
  /** Microseconds on the system's monotonic clock (process.hrtime in any process on this machine). */
  readonly startTime: number;
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

interface Entry {
  readonly name: string;
  readonly where: string;
  readonly selfMs: number;
  readonly percent: number;
}

interface ProfileRun {
  readonly label: string;
  readonly date: string;
  readonly commit: string;
  readonly load: string;
  /** Sampled time, and the part of it the process was idle (waiting in epoll) or collecting garbage. */
  readonly totalMs: number;
  readonly idlePercent: number;
  /** Idle share of each load's measured span: how much room the one core had left under it. */
  readonly idlePercentByLoad: { readonly open: number; readonly closed: number };
  readonly gcPercent: number;
  readonly answered: { readonly open: number; readonly closed: number };
  /** Self time as a percentage of the busy (non-idle) time. */
  readonly functions: readonly Entry[];
  readonly areas: readonly Entry[];
}

/** Where a frame's code lives: the scheduler's own files by folder, a package by name, or Node's internals. */
function areaOf(url: string, name: string, root: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  const path = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
  const nodeModules = path.lastIndexOf('/node_modules/');
  if (nodeModules >= 0) {
    const parts = path.slice(nodeModules + '/node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  // node:internal/deps/undici, node:internal/webstreams/..., node:_http_server, ...
  if (path.startsWith('node:')) return path.split('/').slice(0, path.startsWith('node:internal/deps/') ? 3 : 2).join('/');
  if (path.startsWith(root)) return relative(root, path).split('/').slice(0, -1).join('/') || '.';
  return path;
}

function shortWhere(url: string, line: number, root: string): string {
  if (url === '') return '';
  const path = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
  const nodeModules = path.lastIndexOf('/node_modules/');
  const shown = nodeModules >= 0 ? path.slice(nodeModules + '/node_modules/'.length) : path.startsWith(root) ? relative(root, path) : path;
  return `${shown}:${line + 1}`;
}

/** The idle share of the samples taken between `fromUs` and `toUs`, in percent. */
function idlePercentBetween(profile: CpuProfile, fromUs: number, toUs: number): number {
  const idleIds = new Set(profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id));
  let atUs = profile.startTime;
  let totalUs = 0;
  let idleUs = 0;
  profile.samples.forEach((id, i) => {
    const deltaUs = profile.timeDeltas[i] ?? 0;
    atUs += deltaUs;
    if (atUs < fromUs || atUs >= toUs) return;
    totalUs += deltaUs;
    if (idleIds.has(id)) idleUs += deltaUs;
  });
  return totalUs > 0 ? Math.round((1000 * idleUs) / totalUs) / 10 : NaN;
}

/**
 * Self time by function and by area, over the samples taken from `fromUs` on (the start-up left out); paths
 * relative to the source tree `root` the scheduler ran from.
 */
export function summarise(profile: CpuProfile, fromUs: number, root: string): Pick<ProfileRun, 'totalMs' | 'idlePercent' | 'gcPercent' | 'functions' | 'areas'> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  let atUs = profile.startTime;
  profile.samples.forEach((id, i) => {
    const deltaUs = profile.timeDeltas[i] ?? 0;
    atUs += deltaUs;
    if (atUs >= fromUs) selfUs.set(id, (selfUs.get(id) ?? 0) + deltaUs);
  });
  let totalUs = 0;
  let idleUs = 0;
  let gcUs = 0;
  const functions = new Map<string, { name: string; where: string; us: number }>();
  const areas = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    totalUs += us;
    if (functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    if (functionName === '(garbage collector)') gcUs += us;
    const name = functionName || '(anonymous)';
    const where = shortWhere(url, lineNumber, root);
    const key = `${name} ${where}`;
    const entry = functions.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    functions.set(key, entry);
    const area = areaOf(url, name, root);
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const entry = (name: string, where: string, us: number): Entry => ({ name, where, selfMs: Math.round(us / 100) / 10, percent: Math.round((1000 * us) / busyUs) / 10 });
  return {
    totalMs: Math.round(totalUs / 1000),
    idlePercent: Math.round((1000 * idleUs) / totalUs) / 10,
    gcPercent: Math.round((1000 * gcUs) / busyUs) / 10,
    functions: [...functions.values()].sort((a, b) => b.us - a.us).slice(0, TOP).map((f) => entry(f.name, f.where, f.us)),
    areas: [...areas.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([area, us]) => entry(area, '', us)),
  };
}

function markdown(runs: readonly ProfileRun[]): string {
  const sections = runs.map((run) => {
    const functions = markdownTable(['self % of busy', 'self ms', 'function', 'where'], run.functions.map((f) => [f.percent.toFixed(1), f.selfMs.toFixed(0), `\`${f.name}\``, f.where ? `\`${f.where}\`` : '']));
    const areas = markdownTable(['self % of busy', 'self ms', 'code'], run.areas.map((a) => [a.percent.toFixed(1), a.selfMs.toFixed(0), `\`${a.name}\``]));
    return `### ${run.label} (${run.commit}, ${run.date})

${run.load}: answered ${run.answered.open} requests in the open loop and ${run.answered.closed} in the closed loop.
Sampled ${(run.totalMs / 1000).toFixed(1)} s, idle ${run.idlePercent}% (${run.idlePercentByLoad.open}% under the open loop, ${run.idlePercentByLoad.closed}% under the closed loop); garbage collection ${run.gcPercent}% of the busy time.

Top ${run.functions.length} functions by self time:

${functions}

By where the code lives:

${areas}`;
  });
  return `## Scheduler CPU profile (\`npx tsx bench/scheduler-profile.ts --label <label>\`)

The scheduler process under \`node --cpu-prof\` behind the instant lanes, one core, as in \`npm run bench -- scheduler\`.
Self time per function (the time the function itself ran, not its callees), as a share of the time the process
was busy; each label is the run made at that commit.

${sections.join('\n\n')}
`;
}

async function profileRun(label: string, rawCopy: string | undefined, tree: string | undefined, commit: string | undefined): Promise<ProfileRun> {
  const dir = mkdtempSync(join(tmpdir(), 'edgebatch-cpuprof-'));
  const lanes = await startInstantLanes();
  const scheduler = await startScheduler(lanes, statSync(BUNDLED_IMAGE).size, ['--cpu-prof', '--cpu-prof-dir', dir], tree);
  const open = { body: BUNDLED_IMAGE, rate: 2000, connections: 256, warmupMs: 2000, durationMs: 8000 };
  const closed = { body: lanes.tinyPng.path, rate: 0, connections: 64, warmupMs: 1000, durationMs: 6000 };
  // Module loading and the warm-up stay out of the summary: it is about the steady state under load.
  const nowUs = () => Number(process.hrtime.bigint() / 1000n);
  const fromUs = nowUs() + open.warmupMs * 1000;
  const openResult = await load(`${scheduler.url}/v1/infer`, open);
  const closedFromUs = nowUs() + closed.warmupMs * 1000;
  const closedResult = await load(`${scheduler.url}/v1/infer`, closed);
  const closedToUs = nowUs();
  await stop(scheduler.child, 60_000);
  await stop(lanes.child);
  rmSync(lanes.tinyPng.path, { force: true });
  rmSync(lanes.profilesFile, { force: true });
  // tsx's module hooks run on a thread of their own, with a profile of their own: the main thread's is the largest.
  const file = readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .sort((a, b) => statSync(join(dir, b)).size - statSync(join(dir, a)).size)[0];
  if (!file) throw new Error(`the scheduler wrote no profile into ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  if (rawCopy) copyFileSync(join(dir, file), rawCopy);
  rmSync(dir, { recursive: true, force: true });
  const ok = (samples: readonly { status: number }[]) => samples.filter((s) => s.status === 200).length;
  const { execSync } = await import('node:child_process');
  return {
    label,
    date: new Date().toISOString(),
    commit: commit ?? execSync('git rev-parse --short HEAD', { cwd: ROOT, encoding: 'utf8' }).trim(),
    load: `${open.rate} requests/s open loop with the 24 KB JPEG for ${(open.warmupMs + open.durationMs) / 1000} s (the first ${open.warmupMs / 1000} s left out), then ${closed.connections} connections closed loop with a 1x1 PNG for ${(closed.warmupMs + closed.durationMs) / 1000} s`,
    answered: { open: ok(openResult.samples), closed: ok(closedResult.samples) },
    ...summarise(profile, fromUs, tree ?? ROOT),
    idlePercentByLoad: { open: idlePercentBetween(profile, fromUs, closedFromUs - closed.warmupMs * 1000), closed: idlePercentBetween(profile, closedFromUs, closedToUs) },
  };
}

// --raw <file>: also keep the whole profile (for Chrome DevTools or speedscope).
const { values } = parseArgs({ options: { label: { type: 'string' }, raw: { type: 'string' }, tree: { type: 'string' }, commit: { type: 'string' } } });
if (!values.label) throw new Error('Give the run a label: --label before (or after, or any other name)');
const run = await profileRun(values.label, values.raw, values.tree, values.commit);
const store = join(RESULTS, 'scheduler-profile.json');
const runs = (existsSync(store) ? (JSON.parse(readFileSync(store, 'utf8')) as ProfileRun[]) : []).filter((r) => r.label !== run.label);
runs.push(run);
// 'before' first, then the others in the order they were first taken.
runs.sort((a, b) => Number(b.label === 'before') - Number(a.label === 'before'));
writeFileSync(store, JSON.stringify(runs, null, 2) + '\n');
writeFileSync(join(RESULTS, 'scheduler-profile.md'), markdown(runs));
console.log(markdown([run]));
