import { spawn, type ChildProcess } from 'node:child_process';
import { testHttpAdapter } from './http-adapter.js';

/** A child process of the built standalone service (`main`: see builtMain()). */
export class ServiceProcess {
  output = '';
  private exited: Promise<void>;

  private constructor(readonly name: string, private readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static start(name: string, main: string, env: Record<string, string>): ServiceProcess {
    const { NODE_OPTIONS: _jestVmModules, ...inherited } = process.env;
    const child = spawn(process.execPath, [main], { env: { ...inherited, HTTP_ADAPTER: testHttpAdapter(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    return new ServiceProcess(name, child);
  }

  /** Resolves once the output holds `text`; fails with the output when the process died or time ran out. */
  async waitForOutput(text: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes(text)) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`${this.name} exited:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`${this.name}: no "${text}" within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }
}
