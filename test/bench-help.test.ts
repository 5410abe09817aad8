/**
 * `npm run bench -- help COMMAND`: every command has a help table with an example, and every
 * flag a table documents is one the command's parser accepts (so the tables cannot drift from
 * the parsers of cli.ts without this failing).
 */
import { describe, expect, it } from 'vitest';
import { main } from '../bench/cli.ts';
import { COMMAND_HELP } from '../bench/help.ts';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (m: string) => out.push(m);
  console.error = (m: string) => err.push(m);
  try {
    return { code: await main(argv), out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

describe('bench help', () => {
  it('help COMMAND prints the flag table and examples of every command', async () => {
    for (const [command, help] of Object.entries(COMMAND_HELP)) {
      const { code, out } = await run(['help', command]);
      expect(code, command).toBe(0);
      expect(out).toMatch(/^flag +value +default +what$/m);
      for (const f of help.flags) expect(out, `${command} --${f.flag}`).toMatch(new RegExp(`^--${f.flag}\\b`, 'm'));
      expect(out).toMatch(new RegExp(`^examples:\\n  npm run bench -- ${command} `, 'm'));
    }
    expect((await run(['help', 'nonsense'])).code).toBe(2);
  });

  it('every documented flag is accepted by the command parsers of cli.ts, and --help prints the table', async () => {
    // identify and store parse their own flags and have no --help; running them would start the bench.
    for (const command of ['accuracy', 'report', 'speed', 'calibrate', 'http']) {
      for (const f of COMMAND_HELP[command].flags) {
        const argv = [command, `--${f.flag}`, ...(f.value === undefined ? [] : ['x']), '--help'];
        const { code, out, err } = await run(argv);
        expect(code, `${argv.join(' ')}: ${err}`).toBe(0);
        expect(out).toContain(`npm run bench -- ${command}`);
      }
      expect((await run([command, '--no-such-flag'])).code, command).toBe(2);
    }
  });
});
