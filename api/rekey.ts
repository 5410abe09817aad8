/**
 * Template-key rotation: every subject of a stopped engine store is read with the old key and
 * written, in the same insert order, into a new store sealed with the new key. The old store
 * is left untouched (keep it until the new one is checked, then destroy it and the old key).
 *
 *   BIODEDUP_TEMPLATE_KEY_FILE=old.key NEW_TEMPLATE_KEY_FILE=new.key node dist/api/rekey.js OLD_DIR NEW_DIR
 *
 * Both stores are locked while it runs (the engine must be stopped). ReferenceIds are kept, so
 * the ID service's records and the ABIS job log (copied beside, not re-sealed: they hold no
 * templates) stay valid; the prefilter's saved vectors are not copied (recomputed at start).
 */
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadTemplateKey, openSubjectStore, type TemplateKey } from '../engine/index.ts';

export async function rekeyStore(from: string, to: string, oldKey: TemplateKey, newKey: TemplateKey): Promise<number> {
  if (existsSync(join(to, 'data.mdb'))) throw new Error(`${to} already holds a store`);
  const source = openSubjectStore({ path: from, key: oldKey });
  const target = openSubjectStore({ path: to, key: newKey });
  let copied = 0;
  try {
    for (const subject of source.subjects()) {
      const { sequence: _sequence, ...plain } = subject;
      await target.insert(plain);
      copied++;
    }
  } finally {
    await target.close();
    await source.close();
  }
  for (const env of ['id-service', 'abis-jobs']) {
    if (existsSync(join(from, env))) cpSync(join(from, env), join(to, env), { recursive: true });
  }
  return copied;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [from, to] = process.argv.slice(2);
  if (!from || !to || !process.env.NEW_TEMPLATE_KEY_FILE) {
    process.stderr.write('usage: BIODEDUP_TEMPLATE_KEY_FILE=<old key> NEW_TEMPLATE_KEY_FILE=<new key> node dist/api/rekey.js <old data folder> <new data folder>\n');
    process.exit(2);
  }
  process.umask(0o077);
  try {
    const oldKey = loadTemplateKey(process.env);
    const newKey = loadTemplateKey({ BIODEDUP_TEMPLATE_KEY_FILE: process.env.NEW_TEMPLATE_KEY_FILE });
    const n = await rekeyStore(from, to, oldKey, newKey);
    process.stdout.write(`re-sealed ${n} subjects from ${from} into ${to} under the new key\n`);
  } catch (error) {
    process.stderr.write(`biodedup rekey: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
