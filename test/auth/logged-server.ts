// A test server that also captures every log line, to prove credentials never reach the logs.
import type { ConfigInput } from '../../src/config/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

export interface LoggedServer {
  server: TestServer;
  /** Everything logged so far, one JSON line per entry. */
  logs(): string;
}

export async function startLoggedServer(o: { config?: ConfigInput } = {}): Promise<LoggedServer> {
  const lines: string[] = [];
  const server = await startTestServer({
    config: { logLevel: 'trace', ...o.config },
    logStream: { write: (line) => void lines.push(line) },
  });
  return { server, logs: () => lines.join('') };
}
