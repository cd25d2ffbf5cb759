/** CLI output helpers: where to write, whether to colour, progress on stderr only on a TTY. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(stream: NodeJS.WriteStream, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (process.env['NO_COLOR'] !== undefined && process.env['NO_COLOR'] !== '') return false;
  return Boolean(stream.isTTY);
}

/** A progress callback writing to stderr on a TTY, or a no-op. */
export function progressReporter(quiet: boolean): (m: string) => void {
  if (quiet || !process.stderr.isTTY) return () => undefined;
  return (m) => process.stderr.write(`\r\x1b[2K${m.slice(0, (process.stderr.columns || 80) - 1)}`);
}

export function clearProgress(quiet: boolean): void {
  if (!quiet && process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
}

/** Format from an explicit flag, the output file's extension, or the terminal. */
export function pickFormat(explicit: string | undefined, output: string | undefined, tty: boolean): string {
  if (explicit) return explicit;
  if (output) {
    const ext = path.extname(output).toLowerCase();
    const byExt: Record<string, string> = {
      '.json': 'json',
      '.sarif': 'sarif',
      '.csv': 'csv',
      '.html': 'html',
      '.txt': 'table',
      '.jsonl': 'jsonl',
    };
    return byExt[ext] ?? 'json';
  }
  return tty ? 'table' : 'json';
}

/** Writes to the output file, or stdout. */
export function emit(text: string, output: string | undefined): void {
  if (output) writeFileSync(output, text);
  else process.stdout.write(text);
}
