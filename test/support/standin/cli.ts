/**
 * `npm run standin -- --port N [--require-key K] [--max-body-bytes B] [--min-cacheable N | MODEL=N]
 * [--batch-latency-ms MS] [--verbose]`. Port 0 picks a free port. The first line printed is
 * exactly `listening on http://127.0.0.1:PORT`; SIGINT/SIGTERM close the server and exit 0.
 * A busy port exits 1 with a message naming it. Control endpoints: see server.ts.
 */
import { STANDIN_MODELS } from './modelTable';
import { start, type StartOptions } from './server';

interface CliOptions extends StartOptions {
  verbose: boolean;
}

function usage(message: string): never {
  console.error(`standin: ${message}`);
  console.error('usage: npm run standin -- --port N [--require-key K] [--max-body-bytes B] [--min-cacheable N|MODEL=N] [--batch-latency-ms MS] [--verbose]');
  process.exit(2);
}

function number(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < 0) usage(`${flag} needs a non-negative integer, got ${value ?? 'nothing'}`);
  return n;
}

function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { port: 0, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.includes('=') && arg.startsWith('--') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--port': {
        const port = number('--port', value());
        if (port > 65535) usage(`--port must be at most 65535, got ${port}`);
        options.port = port;
        break;
      }
      case '--require-key':
        options.requireKey = value() ?? usage('--require-key needs a value');
        break;
      case '--max-body-bytes':
        options.maxBodyBytes = number('--max-body-bytes', value());
        break;
      case '--batch-latency-ms':
        options.batchLatencyMs = number('--batch-latency-ms', value());
        break;
      case '--min-cacheable': {
        const spec = value() ?? usage('--min-cacheable needs N or MODEL=N');
        const table = { ...options.minCacheable };
        if (spec.includes('=')) {
          const [model = '', n] = spec.split('=');
          table[model] = number('--min-cacheable', n);
        } else {
          const n = number('--min-cacheable', spec);
          for (const model of STANDIN_MODELS) table[model.id] = n;
        }
        options.minCacheable = table;
        break;
      }
      case '--verbose':
        options.verbose = true;
        break;
      case '--help':
      case '-h':
        console.log('npm run standin -- --port N [--require-key K] [--max-body-bytes B] [--min-cacheable N|MODEL=N] [--batch-latency-ms MS] [--verbose]');
        process.exit(0);
        break;
      default:
        usage(`unknown argument ${arg}`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  let standin;
  try {
    standin = await start(options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') console.error(`standin: port ${options.port} is already in use on 127.0.0.1`);
    else if (code === 'EACCES') console.error(`standin: no permission to listen on port ${options.port}`);
    else console.error(`standin: could not start: ${(err as Error).message}`);
    process.exit(1);
  }
  console.log(`listening on ${standin.url}`);

  let reported = 0;
  const timer = options.verbose
    ? setInterval(() => {
        for (const entry of standin.log.filter((e) => e.seq > reported && e.durationMs !== undefined)) {
          reported = Math.max(reported, entry.seq);
          const usage = entry.usage ? ` in=${entry.usage.input_tokens} cw=${entry.usage.cache_creation_input_tokens} cr=${entry.usage.cache_read_input_tokens} out=${entry.usage.output_tokens}` : '';
          console.error(`${entry.method} ${entry.path} ${entry.status ?? '-'} ${entry.outcome ?? ''} ${entry.model ?? ''}${usage}${entry.fault ? ` fault=${entry.fault}` : ''}`);
        }
      }, 200)
    : undefined;

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    if (timer) clearInterval(timer);
    void standin.close().then(() => {
      if (options.verbose) console.error(`standin: closed on ${signal}`);
      process.exit(0);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
