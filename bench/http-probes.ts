/**
 * The request bodies of the http bench, made before anything is timed:
 *
 * - ISO 19794-2 verify probes: the planted persons' other impressions (datasets/planted-mates.ts:
 *   impression 1 is in the gallery, 2–8 probe), the record files' bytes as published, sent with
 *   the UIN of their mate (genuine) or of another planted person (impostor: the held-out
 *   persons' impressions, whose fingers are nowhere in the gallery);
 * - image verify probes: the FVC2002 images of the same impressions (fingerprint/fvc2002, the
 *   images the ISO templates were made from; DB2 at 569 dpi), through our extractor on the
 *   server, against gallery templates made by another extractor (SecuGen) from resized images:
 *   a cross-extractor comparison, so its match share says so;
 * - synthetic enrolments (datasets/synthetic.ts) for the real POST /enrol path;
 * - MOSIP identify by referenceId of the planted persons (`%SEQ%`/`%NOW%` filled per request by
 *   the load worker: a repeated requestId would be answered from the ABIS job log).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError, FingerExtractor, FingerMatcher, decodeImage, writeIso19794_2 } from '../engine/index.ts';
import { loadPlantedMates, type PlantedProbe } from '../datasets/planted-mates.ts';
import { FINGER_ORDER } from '../datasets/scale-gallery.ts';
import { generateDataset } from '../datasets/synthetic.ts';
import { dataDir } from './data-dir.ts';
import { HTTP_BENCH } from './http-params.ts';

const POSITIONS = FINGER_ORDER.slice(0, HTTP_BENCH.fingers);
/** FVC2002 image resolution per set (data README: DB2 is 569 dpi, the others 500). */
const IMAGE_DPI: Readonly<Record<string, number>> = { DB1_B: 500, DB2_B: 569, DB3_B: 500, DB4_B: 500 };

/** One probe's files: its set and, per finger in POSITIONS order, the FVC name `FFF_I`. */
interface ProbeFiles { set: string; names: string[]; impression: number; referenceId: string }

/** "DB1_B 101_2 + 102_2" → the set and the sample names (planted-mates.ts writes that label). */
function filesOf(p: PlantedProbe): ProbeFiles {
  const [set, ...rest] = p.source.split(' ');
  const names = rest.filter((t) => t !== '+');
  if (names.length !== POSITIONS.length || !/^DB\d_B$/.test(set)) throw new EngineError('ERR_BENCH_DATA', `unexpected planted probe label "${p.source}"`);
  return { set, names, impression: Number(names[0].split('_')[1]), referenceId: p.referenceId.replaceAll('+', '.') };
}

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

export interface HttpProbes {
  readonly genuineIso: string[];
  readonly impostorIso: string[];
  readonly genuineImage: string[];
  /** Image files of the image probes (for the extraction-time sample), with their dpi. */
  readonly imageFiles: readonly { file: string; dpi: number }[];
  /** referenceIds of the planted persons (ABIS identify probes). */
  readonly plantedIds: readonly string[];
}

export function httpProbes(uins: ReadonlyMap<string, string>): HttpProbes {
  const data = dataDir();
  const mates = loadPlantedMates({ dataDir: data, positions: POSITIONS });
  const plantedIds = mates.gallery.map((s) => s.referenceId.replaceAll('+', '.'));
  const uinOf = (referenceId: string): string => {
    const uin = uins.get(referenceId);
    if (uin === undefined) throw new EngineError('ERR_BENCH_STORE', `no UIN was issued for the planted subject ${referenceId}`);
    return uin;
  };
  const isoBody = (uin: string, f: ProbeFiles): string => JSON.stringify({
    uin,
    biometrics: { fingers: POSITIONS.map((position, k) => ({ position, format: 'iso19794-2', data: base64(readFileSync(join(data, 'fingerprint', 'fvc2002-iso', f.set, `${f.names[k]}.iso`))) })) },
  });
  const genuine = mates.matedProbes.map(filesOf);
  const genuineIso = genuine.map((f) => isoBody(uinOf(f.referenceId), f));
  // held-out persons against the planted persons' UINs, cycling: never the same fingers
  const impostorIso = mates.nonMatedProbes.map(filesOf).map((f, i) => isoBody(uinOf(plantedIds[i % plantedIds.length]), f));
  // image probes: earliest impressions first, so every planted person is in the sample
  const images = [...genuine].sort((a, b) => a.impression - b.impression).slice(0, HTTP_BENCH.imageProbes);
  const imageFiles: { file: string; dpi: number }[] = [];
  const genuineImage = images.map((f) => JSON.stringify({
    uin: uinOf(f.referenceId),
    biometrics: {
      fingers: POSITIONS.map((position, k) => {
        const file = join(data, 'fingerprint', 'fvc2002', f.set, `${f.names[k]}.tif`);
        const dpi = IMAGE_DPI[f.set] ?? 500;
        imageFiles.push({ file, dpi });
        return { position, format: 'image', dpi, data: base64(readFileSync(file)) };
      }),
    },
  }));
  return { genuineIso, impostorIso, genuineImage, imageFiles, plantedIds };
}

/** POST /enrol bodies of `count` synthetic people (2 fingers each, impression 1). */
export function enrolBodies(count: number, seed: number): string[] {
  const data = generateDataset(HTTP_BENCH.fingers * count, 1, seed);
  return Array.from({ length: count }, (_, person) => JSON.stringify({
    demographicsRef: `bench-enrol-${person}`,
    biometrics: {
      fingers: POSITIONS.map((position, k) => ({ position, format: 'iso19794-2', data: base64(writeIso19794_2(data[HTTP_BENCH.fingers * person + k].record)) })),
    },
  }));
}

/** A MOSIP ABIS identify by referenceId (api/abis/messages.ts); requestId and requesttime filled per request. */
export function abisIdentifyBody(referenceId: string): string {
  return JSON.stringify({
    id: 'mosip.abis.identify', version: '1.1', requestId: 'bench-%SEQ%', requesttime: '%NOW%', referenceId,
    flags: { maxResults: '10', targetFPIR: '30' },
  });
}

/**
 * Median time of one image → template capture on this core (decode, extract, build the
 * template: what a capture worker does per finger), over the first `samples` image files.
 */
export async function medianImageCaptureMs(files: readonly { file: string; dpi: number }[], samples: number): Promise<number> {
  const extractor = new FingerExtractor();
  const matcher = new FingerMatcher();
  const times: number[] = [];
  for (const { file, dpi } of files.slice(0, samples)) {
    const bytes = new Uint8Array(readFileSync(file));
    const t0 = performance.now();
    try {
      const record = extractor.extract(await decodeImage(bytes), { dpi }).record;
      matcher.createTemplate(record.views[0].minutiae, { resolutionPxPerCm: record.resolutionX });
    } catch {
      // a failed extraction costs its time too (the server answers 422 after it)
    }
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times.length === 0 ? Number.NaN : times[Math.floor((times.length - 1) / 2)];
}
