/**
 * Face samples for the bench: the `folders` layout (IDENTITY/IMAGE, any image file; ORL's
 * `sNN/I.pgm`) read here until the generic reader of datasets/folders.ts lands, the `yale`
 * layout from datasets/yale.ts; then every image through the face pipeline. A sample that
 * cannot be read, decoded or enrolled is a failure to enrol with its reason, never dropped.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, parse, resolve } from 'node:path';
import { EngineError } from '../engine/index.ts';
import { FaceExtractor } from '../engine/face/extractor.ts';
import { listYaleSamples, type FaceSample } from '../datasets/yale.ts';

export type FaceLayout = 'folders' | 'yale';
export const FACE_LAYOUTS: readonly FaceLayout[] = ['folders', 'yale'];

/** IDENTITY/IMAGE: one sub-folder per identity; hidden files and nested folders ignored. */
export function listFolderSamples(dir: string): FaceSample[] {
  const root = resolve(dir);
  let identities: string[];
  try {
    identities = readdirSync(root).filter((n) => !n.startsWith('.') && statSync(join(root, n)).isDirectory());
  } catch (cause) {
    throw new EngineError('ERR_DATASET_MISSING', `dataset folder ${root} does not exist or is not a readable folder`, { cause });
  }
  const samples = identities.flatMap((identity) => readdirSync(join(root, identity))
    .filter((n) => !n.startsWith('.') && statSync(join(root, identity, n)).isFile())
    .map((n) => ({ file: join(root, identity, n), name: `${identity}/${parse(n).name}`, identity })));
  if (samples.length === 0) throw new EngineError('ERR_DATASET_EMPTY', `no IDENTITY/IMAGE files in ${root}`);
  const byName = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });
  return samples.sort((a, b) => byName(a.identity, b.identity) || byName(a.name, b.name));
}

export function listFaceSamples(dir: string, layout: FaceLayout): FaceSample[] {
  return layout === 'yale' ? listYaleSamples(dir) : listFolderSamples(dir);
}

export interface EnrolledFace extends FaceSample {
  code: Int8Array | null;
  failure: string | null;
  /** detect + landmarks + align + embed, ms (decoding excluded); null when decoding failed. */
  extractMs: number | null;
}

export async function enrolFaceSamples(samples: readonly FaceSample[], extractor?: FaceExtractor, progress?: (done: number) => void): Promise<EnrolledFace[]> {
  const ex = extractor ?? await FaceExtractor.create();
  const out: EnrolledFace[] = [];
  for (const s of samples) {
    try {
      const r = await ex.createTemplate(new Uint8Array(readFileSync(s.file)));
      const t = ex.lastStageTimes;
      out.push({ ...s, code: r.code, failure: null, extractMs: t.detect + t.landmarks + t.align + t.embed });
    } catch (e) {
      const t = ex.lastStageTimes;
      out.push({ ...s, code: null, failure: reasonOf(e), extractMs: t.decode > 0 ? t.detect + t.landmarks + t.align + t.embed : null });
    }
    progress?.(out.length);
  }
  return out;
}

function reasonOf(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  return typeof code === 'string' ? `${code}: ${message}` : message;
}
