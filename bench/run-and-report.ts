/** Runs a bench (progress on stderr), prints its figures, writes its JSON; the exit code (1 with a typed error line on failure). */
export async function runAndReport<F>(json: string | undefined, run: (log: (line: string) => void) => Promise<F>,
  format: (figures: F) => string, writeJson: (path: string, figures: F) => void): Promise<number> {
  try {
    const figures = await run((line) => process.stderr.write(`${line}\n`));
    process.stdout.write(`${format(figures)}\n`);
    if (json !== undefined) writeJson(json, figures);
    return 0;
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'ERR_BENCH';
    process.stderr.write(`error [${code}]: ${(e as Error).message}\n`);
    return 1;
  }
}
