export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Where the command's stdout goes: a file descriptor or 'inherit'; stderr (2) by default. */
  stdout?: number | 'inherit';
}

export function findExecutable(name: string, extraDirs?: string[]): string | undefined;
export function runCommand(command: string, args: string[], options?: RunOptions): Promise<number>;
export function runOrThrow(command: string, args: string[], options?: RunOptions): Promise<void>;
export function aptInstall(packages: string[]): Promise<void>;
