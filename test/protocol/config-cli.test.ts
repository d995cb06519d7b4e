import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/edgebatch.js';
import { REPO_ROOT } from '../support/paths.js';

/** Runs `edgebatch config ...` as a user would, with only the environment given (plus PATH). */
function edgebatch(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(REPO_ROOT, 'bin', 'edgebatch.js'), 'config', ...args], { env: { PATH: process.env.PATH ?? '', ...env }, cwd: REPO_ROOT }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** The same command in-process (faster): output captured, environment stubbed. */
async function inProcess(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void out.push(parts.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void err.push(parts.join(' ')));
  for (const key of ['PORT', 'HOST', 'CONFIG_FILE', 'EDGE_SECRET', 'CONFIG_SECRET']) vi.stubEnv(key, undefined);
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  const code = await main(['config', ...args]);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const dir = mkdtempSync(join(tmpdir(), 'edgebatch-config-'));
const write = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('edgebatch config check', () => {
  it('prints the effective config with secrets redacted (exit 0), run as the user runs it', async () => {
    const file = write('good.json', JSON.stringify({ slo: { latencyMs: 800 }, lanes: { edge: { urls: ['http://10.0.0.7:9200/v1/batch'] } } }));
    const secret = 'a-very-secret-edge-key';
    const { code, stdout, stderr } = await edgebatch(['check', '--file', file, '--env'], { EDGE_SECRET: secret, CONFIG_SECRET: 'another-long-secret-value', PORT: '9100' });
    expect(code).toBe(0);
    const printed = JSON.parse(stdout) as { server: { port: number }; slo: { latencyMs: number }; security: Record<string, string> };
    expect(printed.server.port).toBe(9100);
    expect(printed.slo.latencyMs).toBe(800);
    expect(printed.security).toEqual({ edgeSecret: '[redacted]', configSecret: '[redacted]' });
    expect(stdout + stderr).not.toContain(secret);
    expect(stderr).toContain('Configuration valid');
  }, 60_000);

  it('lists every problem (exit 1)', async () => {
    const file = write('bad.json', JSON.stringify({ server: { host: '127.0.0.1', prot: 1 }, slo: { latencyMs: -5 } }));
    const { code, stdout, stderr } = await inProcess(['check', '--file', file]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(`server.prot (${file}): Expected no such key (unknown keys are rejected), got "prot"`);
    expect(stderr).toContain(`slo.latencyMs (${file}): Expected a number > 0, got -5`);
  });

  it('ignores the environment without --env', async () => {
    const { code } = await inProcess(['check'], { PORT: 'not-a-port', HOST: '127.0.0.1' });
    // Without --env the defaults apply: host 0.0.0.0 is exposed and needs secrets, PORT is not read.
    expect(code).toBe(1);
    const withEnv = await inProcess(['check', '--env'], { PORT: 'not-a-port', HOST: '127.0.0.1' });
    expect(withEnv.stderr).toContain('server.port (env PORT): Expected a number, got "not-a-port"');
  });

  it('exit 3 for a file that is missing or not JSON, exit 2 for bad usage', async () => {
    expect((await inProcess(['check', '--file', join(dir, 'missing.json')])).code).toBe(3);
    expect((await inProcess(['check', '--file', write('broken.json', '{oops')])).code).toBe(3);
    const usage = await inProcess(['validate']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Usage: edgebatch config check');
  });
});
