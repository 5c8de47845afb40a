import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { ImplementationError } from './implementation.ts';

/** Options for {@link ProtocolClient}. Defaults in brackets. */
export interface ProtocolClientOptions {
  /**
   * Seconds to wait for one answer [60]. A batch line is given twice that, whatever its size: batches
   * are sized from the measured time per run so that one fits in half a timeout, and a hung batch is
   * noticed within two timeouts rather than one per run it holds.
   */
  readonly timeoutSeconds?: number;
  /** Seconds to wait for the handshake answer after starting the process [max(timeoutSeconds, 30)]. */
  readonly startTimeoutSeconds?: number;
  /** Use the `batch` extension when the handshake announces it [true]. */
  readonly batch?: boolean;
  /** Most runs packed into one batch line [256]. */
  readonly maxBatch?: number;
  /** Most characters of JSON in one batch line (a single run may exceed it) [262144]. */
  readonly maxBatchBytes?: number;
  /** Lines of the child's stderr kept for failure reports [40]. */
  readonly stderrLines?: number;
  /** Working directory of the child [process.cwd()]. */
  readonly cwd?: string;
  /** Called for every transport incident (crash, timeout, garbage, restart), as it happens. */
  readonly onIncident?: (incident: Incident) => void;
}

/** The handshake answer as attnflow reads it (PROTOCOL.md "start"; `supports.batch` is attnflow's extension). */
export interface Handshake {
  readonly protocol: number;
  readonly implementation: { readonly name: string; readonly version?: string; readonly language?: string };
  readonly supports: { readonly ops: readonly string[]; readonly models: readonly string[]; readonly batch?: boolean };
}

/** Something that went wrong on the wire, kept for the final verdict. */
export interface Incident {
  readonly kind: ImplementationError['kind'] | 'restart';
  readonly message: string;
  /** The seq of the request it concerns, when there is one. */
  readonly seq?: number;
  /** The last lines of the child's stderr when it happened. */
  readonly stderr: readonly string[];
}

type Json = Record<string, unknown>;

interface Pending {
  readonly request: Json;
  readonly seq: number;
  resolve(answer: Json): void;
  reject(err: ImplementationError): void;
}

interface InFlight {
  readonly items: Pending[];
  readonly batch: boolean;
  readonly sentAt: number;
  timer: NodeJS.Timeout;
}

/**
 * A child process that speaks PROTOCOL.md v1 on its stdin/stdout, started from a shell command line.
 * Requests are answered one line each, in order; a transport failure (crash, hang, a line that is not
 * JSON, a wrong `seq`) rejects the request(s) it concerns with an {@link ImplementationError}, kills
 * the process, and the next request starts a fresh one (with a new handshake). `error` answers reject
 * only their own request. Requests issued concurrently are coalesced into one `batch` line when the
 * handshake announces `supports.batch` (attnflow's optional extension).
 */
export class ProtocolClient {
  readonly command: string;
  /** Every transport incident so far. */
  readonly incidents: Incident[] = [];
  /** The first successful handshake, once started. */
  handshake: Handshake | null = null;
  /** How many times the process was started (1 after {@link start}). */
  starts = 0;
  /** Run requests answered so far, batch lines sent, and ms between writing requests and reading their answers. */
  readonly stats = { requests: 0, batches: 0, busyMs: 0 };

  private readonly timeoutMs: number;
  private readonly startTimeoutMs: number;
  private readonly useBatch: boolean;
  private readonly maxBatch: number;
  private readonly maxBatchBytes: number;
  private readonly stderrMax: number;
  private readonly options: ProtocolClientOptions;
  private child: ChildProcess | null = null;
  private stdoutBuf = '';
  private stderrBuf = '';
  private readonly stderrTail: string[] = [];
  private readonly queue: Pending[] = [];
  private inFlight: InFlight | null = null;
  private lineWaiter: ((line: string) => void) | null = null;
  private exitWaiter: ((why: string) => void) | null = null;
  private starting: Promise<void> | null = null;
  private pumpScheduled = false;
  private nextSeq = 1;
  private closed = false;
  /** Recent ms per run (decaying maximum), to size batches; NaN before the first answer. */
  private msPerRun = NaN;

  constructor(command: string, options: ProtocolClientOptions = {}) {
    this.command = command;
    this.options = options;
    this.timeoutMs = (options.timeoutSeconds ?? 60) * 1000;
    this.startTimeoutMs = (options.startTimeoutSeconds ?? Math.max(options.timeoutSeconds ?? 60, 30)) * 1000;
    this.useBatch = options.batch ?? true;
    this.maxBatch = options.maxBatch ?? 256;
    this.maxBatchBytes = options.maxBatchBytes ?? 262_144;
    this.stderrMax = options.stderrLines ?? 40;
  }

  /** The last lines the child wrote to stderr (across restarts). */
  stderr(): string[] {
    return this.stderrBuf ? [...this.stderrTail, this.stderrBuf] : [...this.stderrTail];
  }

  /** Whether batch lines are in use. */
  get batching(): boolean {
    return this.useBatch && this.handshake?.supports.batch === true;
  }

  /** Starts the process and performs the handshake; throws an {@link ImplementationError} if it fails. */
  async start(): Promise<Handshake> {
    await this.ensureStarted();
    return this.handshake!;
  }

  /**
   * Sends one `run` request (without `cmd`/`seq`, which are added) and resolves to its answer object.
   * Rejects with an {@link ImplementationError}: the answer's own `error`, or a transport failure.
   */
  run(request: Json): Promise<Json> {
    if (this.closed) return Promise.reject(new ImplementationError('crash', 'the implementation was already closed'));
    return new Promise<Json>((resolve, reject) => {
      const seq = this.nextSeq++;
      this.queue.push({ request: { cmd: 'run', seq, ...request }, seq, resolve, reject });
      this.schedulePump();
    });
  }

  /** Sends `stop`, waits briefly for the exit, then kills what is left. Never throws. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new ImplementationError('crash', 'the implementation was closed'));
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((r) => child.once('close', () => r()));
    try {
      child.stdin?.write('{"cmd":"stop"}\n');
      child.stdin?.end();
    } catch {
      // already gone
    }
    const t = setTimeout(() => this.kill(), 2000);
    await exited;
    clearTimeout(t);
    this.child = null;
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    // setImmediate, not a microtask: requests issued in the same turn (Promise.all) share one batch.
    setImmediate(() => {
      this.pumpScheduled = false;
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.inFlight || this.queue.length === 0 || this.starting) return;
    try {
      await this.ensureStarted();
    } catch (e) {
      const err = e as ImplementationError;
      // The restart failed: the first waiting request carries the failure, the rest try again.
      this.queue.shift()?.reject(err);
      if (this.queue.length) this.schedulePump();
      return;
    }
    if (this.inFlight || this.queue.length === 0) return;
    // A batch stops at maxBatch runs or maxBatchBytes of JSON: past that, one huge line only delays
    // the first answer and costs the implementation memory, without saving round trips that matter.
    const texts: string[] = [];
    const items: Pending[] = [];
    let bytes = 0;
    const limit = this.batching ? Math.min(this.maxBatch, this.batchCap()) : 1;
    while (this.queue.length && texts.length < limit) {
      const t = JSON.stringify(this.queue[0].request);
      if (texts.length > 0 && bytes + t.length > this.maxBatchBytes) break;
      texts.push(t);
      bytes += t.length;
      items.push(this.queue.shift()!);
    }
    const batch = texts.length > 1;
    const line = batch ? `{"cmd":"batch","runs":[${texts.join(',')}]}` : texts[0];
    const wait = this.timeoutMs * (items.length > 1 ? 2 : 1);
    const timer = setTimeout(() => {
      this.fail('timeout', items.length > 1
        ? `no answer to a batch of ${items.length} runs within ${wait / 1000} s (twice the per-answer --timeout)`
        : `no answer within ${wait / 1000} s (option --timeout)`);
    }, wait);
    this.inFlight = { items, batch, timer, sentAt: performance.now() };
    if (batch) this.stats.batches++;
    try {
      this.child!.stdin!.write(line + '\n');
    } catch (e) {
      this.fail('crash', `could not write the request: ${(e as Error).message}`);
    }
  }

  /** Most runs the next batch may hold: what fits in half a timeout at the recent time per run (4 before any answer). */
  private batchCap(): number {
    if (Number.isNaN(this.msPerRun)) return 4;
    return Math.max(1, Math.floor(this.timeoutMs / (2 * Math.max(this.msPerRun, 1e-3))));
  }

  private ensureStarted(): Promise<void> {
    if (this.child) return Promise.resolve();
    if (!this.starting) {
      this.starting = this.spawnAndHandshake().finally(() => {
        this.starting = null;
      });
    }
    return this.starting;
  }

  private async spawnAndHandshake(): Promise<void> {
    if (this.starts > 0) this.record({ kind: 'restart', message: `restarting "${this.command}" (start ${this.starts + 1})`, stderr: this.stderr() });
    this.starts++;
    this.stdoutBuf = '';
    // detached: the child leads its own process group, so a hang is killed with everything it started.
    const child = spawn(this.command, { shell: true, stdio: ['pipe', 'pipe', 'pipe'], cwd: this.options.cwd, detached: process.platform !== 'win32' });
    this.child = child;
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => this.onStdout(child, chunk));
    child.stderr!.on('data', (chunk: string) => this.onStderr(chunk));
    child.stdin!.on('error', () => {
      // EPIPE after a crash: the 'close' handler reports it.
    });
    const gone = new Promise<string>((resolve) => {
      child.once('error', (e) => resolve(`could not start: ${e.message}`));
      child.once('close', (code, signal) => resolve(signal ? `was killed by ${signal}` : `exited with status ${code}`));
    });
    void gone.then((why) => this.onExit(child, why));
    const first = await new Promise<{ line?: string; why?: string }>((resolve) => {
      const t = setTimeout(() => resolve({ why: `sent no handshake answer within ${this.startTimeoutMs / 1000} s` }), this.startTimeoutMs);
      this.lineWaiter = (line) => {
        clearTimeout(t);
        resolve({ line });
      };
      this.exitWaiter = (why) => {
        clearTimeout(t);
        resolve({ why });
      };
      try {
        child.stdin!.write(JSON.stringify({ cmd: 'start', protocol: 1 }) + '\n');
      } catch {
        // reported by 'close'
      }
    });
    this.lineWaiter = null;
    this.exitWaiter = null;
    const fail = (kind: ImplementationError['kind'], message: string): never => {
      this.kill();
      this.child = null;
      const tail = this.stderr();
      this.record({ kind, message, stderr: tail });
      throw new ImplementationError(kind, message + stderrSuffix(tail));
    };
    if (first.why !== undefined) fail(first.why.startsWith('sent no') ? 'timeout' : 'crash', `handshake failed: "${this.command}" ${first.why}`);
    let hs: unknown;
    try {
      hs = JSON.parse(first.line!);
    } catch {
      fail('garbage', `handshake failed: the answer to {"cmd":"start","protocol":1} is not JSON: ${clip(first.line!)}`);
    }
    const problem = handshakeProblem(hs);
    if (problem) fail('garbage', `handshake failed: ${problem} in ${clip(first.line!)}`);
    if (!this.handshake) this.handshake = hs as Handshake;
  }

  private onStdout(child: ChildProcess, chunk: string): void {
    if (child !== this.child) return;
    // Scan only the new chunk for a newline: a long batch answer arrives in many chunks.
    const from = this.stdoutBuf.length;
    this.stdoutBuf += chunk;
    if (chunk.indexOf('\n') < 0) return;
    let nl = this.stdoutBuf.indexOf('\n', from);
    while (child === this.child && nl >= 0) {
      const line = this.stdoutBuf.slice(0, nl).replace(/\r$/, '');
      this.stdoutBuf = this.stdoutBuf.slice(nl + 1);
      if (line.trim() !== '') this.onLine(line);
      nl = this.stdoutBuf.indexOf('\n');
    }
  }

  private onLine(line: string): void {
    if (this.lineWaiter) {
      this.lineWaiter(line);
      return;
    }
    const f = this.inFlight;
    if (!f) {
      this.fail('garbage', `wrote a line nobody asked for: ${clip(line)}`);
      return;
    }
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      this.fail('garbage', `answered with a line that is not JSON: ${clip(line)}`);
      return;
    }
    let answers: unknown[];
    if (f.batch) {
      const a = isObject(obj) ? obj.answers : undefined;
      if (!Array.isArray(a) || a.length !== f.items.length) {
        this.fail('garbage', `answered a batch of ${f.items.length} runs with ${Array.isArray(a) ? `${a.length} answers` : clip(line)}`);
        return;
      }
      answers = a;
    } else {
      answers = [obj];
    }
    for (let k = 0; k < answers.length; k++) {
      const a = answers[k];
      const p = f.items[k];
      if (!isObject(a)) {
        this.fail('garbage', `answered seq ${p.seq} with ${clip(JSON.stringify(a))}, not a JSON object`);
        return;
      }
      // An error answer with seq null is allowed (the implementation could not read the seq).
      if (a.seq !== p.seq && !(a.seq === null && isObject(a.error))) {
        this.fail('garbage', `answered with seq ${JSON.stringify(a.seq)} while seq ${p.seq} was expected (answers out of step)`);
        return;
      }
    }
    clearTimeout(f.timer);
    this.inFlight = null;
    const elapsed = performance.now() - f.sentAt;
    this.stats.busyMs += elapsed;
    const per = elapsed / f.items.length;
    this.msPerRun = Number.isNaN(this.msPerRun) ? per : Math.max(per, this.msPerRun / 2);
    for (let k = 0; k < answers.length; k++) {
      const a = answers[k] as Json;
      const p = f.items[k];
      this.stats.requests++;
      if (isObject(a.error)) {
        const kind = a.error.kind;
        const known = kind === 'not-supported' || kind === 'invalid-request' || kind === 'internal';
        p.reject(new ImplementationError(known ? kind : 'garbage', `answered error${known ? '' : ` of unknown kind ${JSON.stringify(kind)}`}: ${String(a.error.message ?? '')}`));
      } else {
        p.resolve(a);
      }
    }
    this.schedulePump();
  }

  private onStderr(chunk: string): void {
    this.stderrBuf += chunk;
    const parts = this.stderrBuf.split('\n');
    this.stderrBuf = parts.pop() ?? '';
    for (const l of parts) {
      this.stderrTail.push(l.length > 500 ? l.slice(0, 500) + '...' : l);
      if (this.stderrTail.length > this.stderrMax) this.stderrTail.shift();
    }
    if (this.stderrBuf.length > 4000) this.stderrBuf = this.stderrBuf.slice(-4000);
  }

  private onExit(child: ChildProcess, why: string): void {
    if (child !== this.child) return;
    if (this.exitWaiter) {
      this.exitWaiter(why);
      return;
    }
    if (this.closed) return;
    this.fail('crash', `the process ${why}`);
  }

  /** Rejects whatever is in flight with `kind`, records it, and kills the process (restarted lazily). */
  private fail(kind: ImplementationError['kind'], message: string): void {
    const f = this.inFlight;
    this.inFlight = null;
    this.kill();
    this.child = null;
    const tail = this.stderr();
    const seqs = f ? f.items.map((p) => p.seq) : [];
    this.record({ kind, message, seq: seqs[0], stderr: tail });
    if (f) {
      clearTimeout(f.timer);
      this.stats.busyMs += performance.now() - f.sentAt;
      const what = f.batch ? ` (batch of seqs ${seqs[0]}..${seqs[seqs.length - 1]})` : ` (seq ${seqs[0]})`;
      for (const p of f.items) p.reject(new ImplementationError(kind, `"${this.command}" ${message}${what}${stderrSuffix(tail)}`));
    }
    this.schedulePump();
  }

  private kill(): void {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    try {
      if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
      else child.kill('SIGKILL');
    } catch {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  private record(incident: Incident): void {
    this.incidents.push(incident);
    this.options.onIncident?.(incident);
  }
}

/** Why a handshake answer is unusable, or null. */
export function handshakeProblem(hs: unknown): string | null {
  if (!isObject(hs)) return 'the answer is not a JSON object';
  if (isObject(hs.error)) return `the implementation answered error ${JSON.stringify(hs.error)}`;
  if (hs.ready !== true) return '"ready" is not true';
  if (hs.protocol !== 1) return `"protocol" is ${JSON.stringify(hs.protocol)}, attnflow speaks 1`;
  if (!isObject(hs.implementation) || typeof hs.implementation.name !== 'string') return '"implementation.name" is missing';
  const s = hs.supports;
  if (!isObject(s) || !Array.isArray(s.ops) || !Array.isArray(s.models)) return '"supports.ops" / "supports.models" are missing';
  return null;
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clip(s: string): string {
  return JSON.stringify(s.length > 200 ? s.slice(0, 200) + '...' : s);
}

/** The stderr tail as a message suffix. */
export function stderrSuffix(tail: readonly string[], lines = 8): string {
  const t = tail.filter((l) => l.trim() !== '').slice(-lines);
  return t.length ? `\n    stderr (last ${t.length} lines):\n${t.map((l) => '      | ' + l).join('\n')}` : '';
}
