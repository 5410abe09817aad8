/**
 * The fingerprint matcher's TypeScript face: templates from minutiae, probes prepared once,
 * 1:1 and 1:many comparisons on the WASM kernel, and the evidence behind a score.
 * Scores are calibrated as −10·log10(FMR) (see calibration.ts); raw kernel scores are 0–1.
 */
import type { Minutia } from './minutiae.ts';
import { EngineError } from './errors.ts';
import { ProbeSlots } from './probe-slots.ts';
import { instantiateFingerKernel, type FingerKernelExports, type KernelSource } from './finger-kernel.ts';
import { calibrateFingerScore } from './finger-calibration.ts';
import { COMPACT_MAGIC, checkPackable, compactFingerTemplate } from './finger-compact.ts';

/** A template as stored: the kernel's relocatable binary layout (magic "MCC1"). */
export interface FingerTemplate {
  readonly bytes: Uint8Array;
  /** Minutiae given to the extractor of cylinders. */
  readonly minutiaCount: number;
  /** Minutiae whose cylinder was valid (the ones that take part in matching). */
  readonly cylinderCount: number;
}

export interface TemplateOptions {
  /** Resolution of the minutia coordinates, px/cm; they are rescaled to 500 dpi (196.85 px/cm). */
  resolutionPxPerCm?: number;
}

export interface PreparedProbe {
  readonly template: FingerTemplate;
  /** @internal address of the probe inside its matcher's memory (MCC1, then the compact form) */
  readonly address: number;
  /** @internal address of the probe's compact form */
  readonly compactAddress: number;
  readonly matcher: FingerMatcher;
}

/**
 * How a loaded gallery holds its templates in the matcher's memory: 'compact' (the default)
 * repacks each MCC1 template losslessly (finger-compact.ts) and compares with the compact
 * kernel; 'mcc1' keeps the stored bytes and today's kernel (the speed baseline). Scores are
 * equal bit for bit.
 */
export type GalleryForm = 'compact' | 'mcc1';

export interface FingerGallery {
  readonly size: number;
  readonly matcher: FingerMatcher;
  readonly form: GalleryForm;
  /** Bytes of the templates as held in memory (16-byte aligned each), the in-RAM cost. */
  readonly templateBytes: number;
  /** @internal */
  readonly addressesPtr: number;
  /** @internal */
  readonly scoresPtr: number;
}

/** One pair the consolidation kept: what an adjudicator or a developer needs to see. */
/** A minutia as the template keeps it: 500 dpi pixels, y down, ISO direction in radians. */
export interface TemplateMinutia {
  x: number;
  y: number;
  angle: number;
}

export interface PairingEvidence {
  /** Index into the probe template's kept minutiae (see `templateMinutiae`). */
  probeIndex: number;
  candidateIndex: number;
  probe: TemplateMinutia;
  candidate: TemplateMinutia;
  localSimilarity: number;
  relaxedSimilarity: number;
  /** True when this pair is one of those averaged into the score. */
  scored: boolean;
}

export interface ComparisonEvidence {
  rawScore: number;
  score: number;
  pairs: PairingEvidence[];
}

const PX_PER_CM_500_DPI = 500 / 2.54;
const MINUTIA_STRIDE_F32 = 4;
const MAX_COORDINATE = 16383; // 14-bit ISO field
// 250–2000 dpi: anything outside is a wrong header, not a real sensor
const MIN_PX_PER_CM = 98;
const MAX_PX_PER_CM = 788;
const TWO_PI = 2 * Math.PI;
// coordinates inside a template are rescaled to 500 dpi, so they may exceed the ISO field
const MAX_TEMPLATE_COORDINATE = 65535;

function typeCode(m: Minutia): number {
  return m.type === 'ending' ? 1 : m.type === 'bifurcation' ? 2 : 0;
}

export class FingerMatcher {
  readonly source: KernelSource;
  private readonly kernel: FingerKernelExports;
  private readonly maxMinutiae: number;
  private readonly slotBytes: number;
  private readonly inputPtr: number;
  private readonly buildPtr: number;
  private readonly pairA: number;
  private readonly pairB: number;
  private readonly pairingPtr: number;
  private readonly probes: ProbeSlots<PreparedProbe>;

  constructor(source: KernelSource = 'simd') {
    this.source = source;
    this.kernel = instantiateFingerKernel(source);
    this.maxMinutiae = this.kernel.maxMinutiae();
    this.slotBytes = this.kernel.templateBytes(this.maxMinutiae);
    this.inputPtr = this.kernel.allocate(this.maxMinutiae * MINUTIA_STRIDE_F32 * 4);
    this.buildPtr = this.kernel.allocate(this.slotBytes);
    this.pairA = this.kernel.allocate(this.slotBytes);
    this.pairB = this.kernel.allocate(this.slotBytes);
    this.pairingPtr = this.kernel.allocate(this.kernel.maxPairing() * 20);
    // a probe slot holds the MCC1 bytes and the compact form (never larger) after them
    this.probes = new ProbeSlots(this, () => this.kernel.allocate(2 * this.slotBytes + 16));
  }

  /**
   * Builds a template from minutiae. More than the kernel's limit (128) are cut to the ones
   * nearest the minutiae's centroid: the core area carries the most discriminative structure.
   */
  createTemplate(minutiae: readonly Minutia[], options: TemplateOptions = {}): FingerTemplate {
    const resolution = options.resolutionPxPerCm ?? PX_PER_CM_500_DPI;
    if (!(resolution >= MIN_PX_PER_CM && resolution <= MAX_PX_PER_CM)) {
      throw new EngineError('ERR_TEMPLATE_RESOLUTION', `resolution must be ${MIN_PX_PER_CM}–${MAX_PX_PER_CM} px/cm, got ${options.resolutionPxPerCm}`);
    }
    const scale = PX_PER_CM_500_DPI / resolution;
    minutiae.forEach((m, i) => {
      if (!(m.x >= 0 && m.x <= MAX_COORDINATE && m.y >= 0 && m.y <= MAX_COORDINATE && Number.isFinite(m.angle))) {
        throw new EngineError('ERR_TEMPLATE_MINUTIA', `minutia ${i} has an invalid position or direction`);
      }
    });
    const chosen = this.limitMinutiae(minutiae);
    const input = new Float32Array(this.kernel.memory.buffer, this.inputPtr, chosen.length * MINUTIA_STRIDE_F32);
    chosen.forEach((m, i) => input.set([m.x * scale, m.y * scale, m.angle, typeCode(m)], i * MINUTIA_STRIDE_F32));
    const size = this.kernel.buildTemplate(this.inputPtr, chosen.length, this.buildPtr);
    const bytes = new Uint8Array(this.kernel.memory.buffer, this.buildPtr, size).slice();
    return templateFromBytes(bytes, this.kernel.templateMagic());
  }

  /** Validates stored template bytes (from the store or the network) before they reach the kernel. */
  templateFromBytes(bytes: Uint8Array): FingerTemplate {
    const t = templateFromBytes(bytes, this.kernel.templateMagic());
    if (t.cylinderCount > this.maxMinutiae || t.bytes.length !== this.kernel.templateBytes(t.cylinderCount)) {
      throw new EngineError('ERR_TEMPLATE_CORRUPT', 'template size does not match its minutia count');
    }
    // Hostile or damaged bytes must not reach the kernel as NaN/∞: check every float field
    // (x, y, direction, norm — see matchers-wasm/finger/layout.ts).
    const n = t.cylinderCount;
    const floats = new DataView(bytes.buffer, bytes.byteOffset + 16, 16 * n);
    for (let k = 0; k < n; k++) {
      const x = floats.getFloat32(4 * k, true), y = floats.getFloat32(4 * (n + k), true);
      const direction = floats.getFloat32(4 * (2 * n + k), true), norm = floats.getFloat32(4 * (3 * n + k), true);
      if (!(x >= 0 && x <= MAX_TEMPLATE_COORDINATE && y <= 0 && y >= -MAX_TEMPLATE_COORDINATE && direction >= 0 && direction <= TWO_PI && norm >= 0 && norm <= 64)) {
        throw new EngineError('ERR_TEMPLATE_CORRUPT', `template minutia ${k} has out-of-range fields`);
      }
    }
    // ... and be what the kernel builds (norms, cell bits), so the gallery can pack it with the
    // same scores: refused here, before an insert commits it, not later in a shard
    checkPackable(bytes);
    return t;
  }

  /** Places a probe in this matcher's memory once, for any number of compareMany calls. */
  prepareProbe(template: FingerTemplate): PreparedProbe {
    this.checkHeader(template); // before taking a slot, so a bad template leaks none
    const address = this.probes.take();
    this.copy(address, template);
    const compactAddress = align16(address + template.bytes.length);
    new Uint8Array(this.kernel.memory.buffer, compactAddress).set(compactFingerTemplate(template.bytes));
    return this.probes.issue({ template, address, compactAddress, matcher: this });
  }

  /** Returns a probe's slot for reuse; the probe must not be used afterwards. */
  releaseProbe(probe: PreparedProbe): void {
    this.probes.release(probe);
  }

  /** Copies templates into a contiguous, scan-ordered gallery in this matcher's memory, compact by default. */
  loadGallery(templates: readonly FingerTemplate[], form: GalleryForm = 'compact'): FingerGallery {
    templates.forEach((t) => this.checkHeader(t)); // all or nothing: no half-loaded gallery
    const held = form === 'compact' ? templates.map((t) => ({ bytes: compactFingerTemplate(t.bytes) })) : templates;
    const total = held.reduce((s, t) => s + align16(t.bytes.length), 0);
    const base = this.kernel.allocate(total + 16);
    const addressesPtr = this.kernel.allocate(templates.length * 4 + 4);
    const scoresPtr = this.kernel.allocate(templates.length * 4 + 4);
    const start = align16(base);
    const addresses = new Uint32Array(this.kernel.memory.buffer, addressesPtr, templates.length);
    let offset = start;
    held.forEach((t, i) => {
      this.copy(offset, t);
      addresses[i] = offset;
      offset += align16(t.bytes.length);
    });
    return { size: templates.length, matcher: this, form, templateBytes: total, addressesPtr, scoresPtr };
  }

  /** Raw kernel similarities (0–1) of a prepared probe against every gallery template. */
  compareManyRaw(probe: PreparedProbe, gallery: FingerGallery, out = new Float32Array(gallery.size)): Float32Array {
    this.probes.check(probe);
    if (gallery.matcher !== this) throw new EngineError('ERR_MATCHER_MISMATCH', 'gallery belongs to another matcher');
    if (gallery.form === 'compact') this.kernel.compareManyCompact(probe.compactAddress, gallery.addressesPtr, gallery.size, gallery.scoresPtr);
    else this.kernel.compareMany(probe.address, gallery.addressesPtr, gallery.size, gallery.scoresPtr);
    out.set(new Float32Array(this.kernel.memory.buffer, gallery.scoresPtr, gallery.size));
    return out;
  }

  /** Calibrated scores (−10·log10 FMR) of a prepared probe against every gallery template. */
  compareMany(probe: PreparedProbe, gallery: FingerGallery, out = new Float32Array(gallery.size)): Float32Array {
    this.compareManyRaw(probe, gallery, out);
    for (let i = 0; i < out.length; i++) out[i] = calibrateFingerScore(out[i]);
    return out;
  }

  /** Raw similarity of two templates (0–1). */
  compareRaw(a: FingerTemplate, b: FingerTemplate): number {
    this.write(this.pairA, a);
    this.write(this.pairB, b);
    return this.kernel.compare(this.pairA, this.pairB);
  }

  /** Calibrated score (−10·log10 FMR) of two templates. */
  compare(a: FingerTemplate, b: FingerTemplate): number {
    return calibrateFingerScore(this.compareRaw(a, b));
  }

  /** The transparency hook: the score and the minutia pairs that produced it. */
  explain(a: FingerTemplate, b: FingerTemplate): ComparisonEvidence {
    const rawScore = this.compareRaw(a, b);
    const n = this.kernel.lastPairing(this.pairingPtr);
    const f = new Float32Array(this.kernel.memory.buffer, this.pairingPtr, n * 5);
    const pairs: PairingEvidence[] = [];
    const probeMinutiae = templateMinutiae(a), candidateMinutiae = templateMinutiae(b);
    for (let t = 0; t < n; t++) {
      const probeIndex = f[t * 5], candidateIndex = f[t * 5 + 1];
      pairs.push({
        probeIndex, candidateIndex, probe: probeMinutiae[probeIndex], candidate: candidateMinutiae[candidateIndex],
        localSimilarity: f[t * 5 + 2], relaxedSimilarity: f[t * 5 + 3], scored: f[t * 5 + 4] === 1,
      });
    }
    return { rawScore, score: calibrateFingerScore(rawScore), pairs };
  }

  /** Copies a template into kernel memory after checking the header the kernel trusts. */
  private write(address: number, template: FingerTemplate): void {
    this.checkHeader(template);
    this.copy(address, template);
  }

  private copy(address: number, { bytes }: { bytes: Uint8Array }): void {
    new Uint8Array(this.kernel.memory.buffer, address, bytes.length).set(bytes);
  }

  /** Magic, count and size: what the kernel relies on to stay inside the template. */
  private checkHeader({ bytes }: FingerTemplate): void {
    const header = bytes.length >= 16 ? new DataView(bytes.buffer, bytes.byteOffset, 16) : null;
    const n = header === null ? -1 : header.getUint32(4, true);
    if (header === null || header.getUint32(0, true) !== this.kernel.templateMagic()
      || n > this.maxMinutiae || bytes.length !== this.kernel.templateBytes(n)) {
      throw new EngineError('ERR_TEMPLATE_CORRUPT', 'not a valid fingerprint template (use createTemplate or templateFromBytes)');
    }
  }

  private limitMinutiae(minutiae: readonly Minutia[]): readonly Minutia[] {
    if (minutiae.length <= this.maxMinutiae) return minutiae;
    const cx = minutiae.reduce((s, m) => s + m.x, 0) / minutiae.length;
    const cy = minutiae.reduce((s, m) => s + m.y, 0) / minutiae.length;
    return [...minutiae]
      .sort((p, q) => (p.x - cx) ** 2 + (p.y - cy) ** 2 - ((q.x - cx) ** 2 + (q.y - cy) ** 2))
      .slice(0, this.maxMinutiae);
  }
}

/**
 * The minutiae a template matches with (those with a valid cylinder, in the template's order):
 * what `explain()` indices refer to, for plotting evidence over the images. Takes MCC1 bytes
 * or their compact form.
 */
export function templateMinutiae({ bytes, cylinderCount: n }: FingerTemplate): TemplateMinutia[] {
  // the compact in-RAM form (finger-compact.ts, what the gallery's shards hold) has the same
  // arrays after a 32-byte header
  const header = bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === COMPACT_MAGIC ? 32 : 16;
  const view = new DataView(bytes.buffer, bytes.byteOffset + header, 12 * n);
  return Array.from({ length: n }, (_, k) => ({
    x: view.getFloat32(4 * k, true),
    y: -view.getFloat32(4 * (n + k), true), // stored y up
    angle: view.getFloat32(4 * (2 * n + k), true),
  }));
}

function align16(v: number): number {
  return (v + 15) & ~15;
}

function templateFromBytes(bytes: Uint8Array, magic: number): FingerTemplate {
  if (!(bytes instanceof Uint8Array)) throw new EngineError('ERR_TEMPLATE_TYPE', 'template must be a Uint8Array');
  if (bytes.length < 16) throw new EngineError('ERR_TEMPLATE_CORRUPT', `template of ${bytes.length} bytes is shorter than its header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== magic) throw new EngineError('ERR_TEMPLATE_CORRUPT', 'not a fingerprint template of this version (bad magic)');
  const cylinderCount = view.getUint32(4, true);
  const size = view.getUint32(8, true);
  if (size !== bytes.length) throw new EngineError('ERR_TEMPLATE_CORRUPT', `template declares ${size} bytes but has ${bytes.length}`);
  return { bytes, cylinderCount, minutiaCount: view.getUint32(12, true) };
}
