/**
 * One POST of a batch over node:http (or https) on kept-alive connections, with an overall time budget. The
 * global fetch costs, for every batch, a Web Request, a body stream, an abort signal with a timer of its own, and
 * a Web Response read back through a stream; on a scheduler that sends hundreds of batches a second that was a
 * large share of its time. Errors keep fetch's names where callers tell them apart: a call past its budget fails
 * with a TimeoutError.
 */
import http from 'node:http';
import https from 'node:https';

export interface PostAnswer {
  readonly status: number;
  readonly header: (name: string) => string | undefined;
  readonly body: Buffer;
}

export class HttpPoster {
  private readonly agents = {
    'http:': new http.Agent({ keepAlive: true }),
    'https:': new https.Agent({ keepAlive: true }),
  };

  /** `body` as the parts it is written in, one after another (no joined copy). */
  post(url: URL, headers: Readonly<Record<string, string>>, body: readonly Uint8Array[], budgetMs: number): Promise<PostAnswer> {
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') return Promise.reject(new TypeError(`Expected an http: or https: URL, got ${url.href}`));
    let bytes = 0;
    for (const part of body) bytes += part.byteLength;
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (finish: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        finish();
      };
      const request = (secure ? https : http).request(
        url,
        { method: 'POST', agent: this.agents[url.protocol as 'http:' | 'https:'], headers: { ...headers, 'content-length': String(bytes) } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            settle(() =>
              resolve({
                status: response.statusCode ?? 0,
                header: (name) => {
                  const value = response.headers[name.toLowerCase()];
                  return Array.isArray(value) ? value.join(', ') : value;
                },
                body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
              }),
            ),
          );
          response.on('error', (error) => settle(() => reject(error)));
        },
      );
      const timer = setTimeout(() => {
        const error = new Error(`No answer within ${budgetMs} ms`);
        error.name = 'TimeoutError';
        settle(() => reject(error));
        request.destroy(error);
      }, budgetMs);
      request.on('error', (error) => settle(() => reject(error)));
      // Written before the socket is assigned, the parts go out together (one writev), headers first.
      for (const part of body) request.write(part);
      request.end();
    });
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }
}
