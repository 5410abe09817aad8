/**
 * CBEFF XML (ISO/IEC 19785-3 XML patron format) as MOSIP writes it: a `<BIR>` root holding one
 * nested `<BIR>` per captured modality, each with `<BDBInfo>` (Format, Type, Subtype, Level,
 * Purpose, Quality) and a base64 `<BDB>` (standard or URL-safe, padded or not: MOSIP's own test
 * data uses URL-safe unpadded). A modality that could not be captured is an exception BIR:
 * `<others><entry key="EXCEPTION">true</entry></others>` and no BDB.
 *
 * The XML reader below is deliberately small and strict: elements, attributes, text, CDATA,
 * comments, processing instructions, the five predefined entities and character references.
 * DOCTYPE and entity declarations are refused outright (XXE and entity expansion), and every
 * size is bounded before work is done. Errors are RecordFormatError with stable codes:
 * ERR_CBEFF_TOO_LARGE, ERR_CBEFF_ENCODING, ERR_CBEFF_DOCTYPE, ERR_CBEFF_XML, ERR_CBEFF_LIMIT,
 * ERR_CBEFF_STRUCTURE, ERR_CBEFF_BASE64.
 */
import { RecordFormatError } from '../errors.ts';

export interface CbeffLimits {
  /** Largest document, bytes (ten WSQ/JPEG 2000 fingers, two irises and a face fit easily). */
  readonly maxBytes: number;
  /** Deepest element nesting. */
  readonly maxDepth: number;
  /** Most elements in a document. */
  readonly maxElements: number;
  /** Most leaf BIRs (MOSIP sends at most 10 fingers + 2 irises + 1 face, plus exceptions). */
  readonly maxBirs: number;
  /** Most attributes on one element. */
  readonly maxAttributes: number;
}

export const CBEFF_LIMITS: CbeffLimits = Object.freeze({
  maxBytes: 32 * 1024 * 1024,
  maxDepth: 32,
  maxElements: 20_000,
  maxBirs: 64,
  maxAttributes: 32,
});

/** One leaf BIR: a single biometric sample (or an exception marking a missing one). */
export interface CbeffBir {
  /** Position among the document's leaf BIRs, 0-based (for error reports). */
  readonly index: number;
  /** `<Type>` words, e.g. ["Finger"]. */
  readonly type: readonly string[];
  /** `<Subtype>` words, e.g. ["Left", "IndexFinger"]; empty when absent. */
  readonly subtype: readonly string[];
  readonly level?: string;
  readonly purpose?: string;
  /** `<Quality><Score>`, when numeric. */
  readonly quality?: number;
  readonly format?: { readonly organization: string; readonly type: string };
  /** Marked EXCEPTION=true in `<others>`: not captured (amputation, injury…). */
  readonly exception: boolean;
  /** The decoded BDB; absent for exceptions and empty BDBs. */
  readonly bdb?: Uint8Array;
  /** `<others>` entries by key. */
  readonly others: Readonly<Record<string, string>>;
}

export interface CbeffRecord {
  readonly birs: readonly CbeffBir[];
}

// ── XML ───────────────────────────────────────────────────────────────────────────────────────

interface XmlElement {
  /** Local name (namespace prefix dropped: MOSIP and ISO documents differ only in prefixes). */
  readonly name: string;
  readonly attributes: Map<string, string>;
  readonly children: XmlElement[];
  text: string;
  /** Character offset of the start tag. */
  readonly at: number;
}

const NAME = /[A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?/y;
const ATTRIBUTE = /\s+([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function xmlError(message: string, at: number): RecordFormatError {
  return new RecordFormatError('ERR_CBEFF_XML', `CBEFF XML: ${message}`, at);
}

function decodeEntities(raw: string, at: number): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&([^;&\s]{0,12});?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) throw xmlError('unterminated entity reference', at);
    if (name in PREDEFINED) return PREDEFINED[name];
    const m = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(name);
    if (m) {
      const code = m[1] !== undefined ? parseInt(m[1], 16) : parseInt(m[2], 10);
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw xmlError(`invalid character reference &${name};`, at);
      return String.fromCodePoint(code);
    }
    // No DTD is allowed, so no other entity can be declared: an unknown one is an error.
    throw xmlError(`undeclared entity &${name.slice(0, 12)};`, at);
  });
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon < 0 ? qualified : qualified.slice(colon + 1);
}

/** Parses a whole document into its root element. */
function parseXml(text: string, limits: CbeffLimits): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let elements = 0;
  let i = 0;
  const n = text.length;
  const appendText = (s: string, at: number): void => {
    const top = stack[stack.length - 1];
    if (top === undefined) {
      if (s.trim() !== '') throw xmlError('text outside the root element', at);
      return;
    }
    top.text += s;
  };
  if (text.charCodeAt(0) === 0xfeff) i = 1; // byte order mark
  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt < 0) {
      appendText(decodeEntities(text.slice(i), i), i);
      break;
    }
    if (lt > i) appendText(decodeEntities(text.slice(i, lt), i), i);
    i = lt;
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end < 0) throw xmlError('unterminated comment', i);
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', i)) {
      const end = text.indexOf(']]>', i + 9);
      if (end < 0) throw xmlError('unterminated CDATA section', i);
      if (stack.length === 0) throw xmlError('CDATA outside the root element', i);
      appendText(text.slice(i + 9, end), i);
      i = end + 3;
    } else if (text.startsWith('<!', i)) {
      // <!DOCTYPE …>, <!ENTITY …> and friends: the door to XXE and billion-laughs expansion.
      throw new RecordFormatError('ERR_CBEFF_DOCTYPE', 'CBEFF XML: document type and entity declarations are not accepted', i);
    } else if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end < 0) throw xmlError('unterminated processing instruction', i);
      i = end + 2;
    } else if (text.startsWith('</', i)) {
      NAME.lastIndex = i + 2;
      const m = NAME.exec(text);
      if (!m) throw xmlError('malformed end tag', i);
      const close = /\s*>/y;
      close.lastIndex = NAME.lastIndex;
      if (!close.test(text)) throw xmlError('malformed end tag', i);
      const open = stack.pop();
      if (open === undefined || open.name !== localName(m[0])) throw xmlError(`end tag </${m[0].slice(0, 40)}> does not match`, i);
      i = close.lastIndex;
    } else {
      NAME.lastIndex = i + 1;
      const m = NAME.exec(text);
      if (!m) throw xmlError('malformed start tag', i);
      const at = i;
      let j = NAME.lastIndex;
      const attributes = new Map<string, string>();
      for (;;) {
        ATTRIBUTE.lastIndex = j;
        const a = ATTRIBUTE.exec(text);
        if (!a) break;
        if (attributes.size >= limits.maxAttributes) throw new RecordFormatError('ERR_CBEFF_LIMIT', `CBEFF XML: more than ${limits.maxAttributes} attributes on one element`, at);
        const key = a[1];
        if (attributes.has(key)) throw xmlError(`duplicate attribute ${key.slice(0, 40)}`, j);
        attributes.set(key, decodeEntities(a[2] ?? a[3], j));
        j = ATTRIBUTE.lastIndex;
      }
      const tail = /\s*(\/?)>/y;
      tail.lastIndex = j;
      const t = tail.exec(text);
      if (!t) throw xmlError('malformed start tag', at);
      i = tail.lastIndex;
      if (++elements > limits.maxElements) throw new RecordFormatError('ERR_CBEFF_LIMIT', `CBEFF XML: more than ${limits.maxElements} elements`, at);
      const element: XmlElement = { name: localName(m[0]), attributes, children: [], text: '', at };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(element);
      else if (root) throw xmlError('a second root element', at);
      else root = element;
      if (t[1] !== '/') {
        if (stack.length >= limits.maxDepth) throw new RecordFormatError('ERR_CBEFF_LIMIT', `CBEFF XML: elements nested deeper than ${limits.maxDepth}`, at);
        stack.push(element);
      }
    }
  }
  if (stack.length > 0) throw xmlError(`unclosed element <${stack[stack.length - 1].name}>`, n);
  if (!root) throw xmlError('no root element', 0);
  return root;
}

// ── BIRs ──────────────────────────────────────────────────────────────────────────────────────

function child(e: XmlElement, name: string): XmlElement | undefined {
  return e.children.find((c) => c.name === name);
}

function words(e: XmlElement | undefined): string[] {
  return e === undefined ? [] : e.text.trim().split(/\s+/).filter((w) => w !== '');
}

function structureError(message: string, at: number): RecordFormatError {
  return new RecordFormatError('ERR_CBEFF_STRUCTURE', `CBEFF: ${message}`, at);
}

/** Standard or URL-safe base64, padded or not, whitespace ignored; anything else is refused. */
export function decodeBase64Strict(text: string, at = 0): Uint8Array {
  const s = text.replace(/[\s]+/g, '');
  if (!/^[A-Za-z0-9+/\-_]*={0,2}$/.test(s) || (/[+/]/.test(s) && /[-_]/.test(s))) {
    throw new RecordFormatError('ERR_CBEFF_BASE64', 'CBEFF: BDB is not base64', at);
  }
  const body = s.replace(/=+$/, '');
  if (body.length % 4 === 1 || (s.length > body.length && s.length % 4 !== 0)) {
    throw new RecordFormatError('ERR_CBEFF_BASE64', 'CBEFF: BDB base64 has an impossible length', at);
  }
  const buf = Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}

function readLeaf(e: XmlElement, index: number): CbeffBir {
  const info = child(e, 'BDBInfo');
  if (info === undefined) throw structureError(`BIR ${index} has no BDBInfo`, e.at);
  const type = words(child(info, 'Type'));
  if (type.length === 0) throw structureError(`BIR ${index} has no BDBInfo/Type`, info.at);
  const others: Record<string, string> = {};
  for (const entry of child(e, 'others')?.children ?? []) {
    const key = entry.attributes.get('key');
    if (entry.name === 'entry' && key !== undefined) others[key] = entry.text.trim();
  }
  const exception = Object.entries(others).some(([k, v]) => k.toUpperCase() === 'EXCEPTION' && v.toLowerCase() === 'true');
  const bdbElement = child(e, 'BDB');
  const bdbText = bdbElement?.text.trim() ?? '';
  const bdb = exception || bdbText === '' ? undefined : decodeBase64Strict(bdbText, bdbElement!.at);
  const format = child(info, 'Format');
  const scoreText = child(child(info, 'Quality') ?? info, 'Score')?.text.trim();
  const score = scoreText === undefined || scoreText === '' ? NaN : Number(scoreText);
  return {
    index,
    type,
    subtype: words(child(info, 'Subtype')),
    level: child(info, 'Level')?.text.trim(),
    purpose: child(info, 'Purpose')?.text.trim(),
    quality: Number.isFinite(score) ? score : undefined,
    format: format === undefined ? undefined : {
      organization: child(format, 'Organization')?.text.trim() ?? '',
      type: child(format, 'Type')?.text.trim() ?? '',
    },
    exception,
    bdb,
    others,
  };
}

/**
 * Reads a CBEFF XML document (bytes in UTF-8, or a string) into its leaf BIRs, in document
 * order. A BIR holding BIRs is a container; any other BIR must have BDBInfo/Type.
 */
export function readCbeff(input: Uint8Array | string, options: Partial<CbeffLimits> = {}): CbeffRecord {
  const limits: CbeffLimits = { ...CBEFF_LIMITS, ...options };
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input?.length;
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    throw new RecordFormatError('ERR_CBEFF_XML', 'CBEFF input must be bytes or a string');
  }
  if (size > limits.maxBytes) throw new RecordFormatError('ERR_CBEFF_TOO_LARGE', `CBEFF document of ${size} bytes exceeds the ${limits.maxBytes}-byte limit`);
  let text: string;
  try {
    text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    throw new RecordFormatError('ERR_CBEFF_ENCODING', 'CBEFF document is not valid UTF-8');
  }
  const root = parseXml(text, limits);
  if (root.name !== 'BIR') throw structureError(`root element is <${root.name.slice(0, 40)}>, expected <BIR>`, root.at);
  const birs: CbeffBir[] = [];
  const walk = (e: XmlElement): void => {
    const nested = e.children.filter((c) => c.name === 'BIR');
    if (nested.length === 0) {
      if (birs.length >= limits.maxBirs) throw new RecordFormatError('ERR_CBEFF_LIMIT', `CBEFF: more than ${limits.maxBirs} BIRs`, e.at);
      birs.push(readLeaf(e, birs.length));
      return;
    }
    for (const c of nested) walk(c);
  };
  walk(root);
  return { birs };
}

// ── Face BIRs ─────────────────────────────────────────────────────────────────────────────────

/** MOSIP's BDBInfo/Format/Type of a face BDB (ISO/IEC 19794-5): "8" (fingers "7", irises "9"). */
export const MOSIP_FACE_FORMAT_TYPE = '8';

/** The captured face BIRs of a document (Type "Face" with a BDB), in document order. */
export function faceBirs(record: CbeffRecord): CbeffBir[] {
  return record.birs.filter((b) => b.type[0]?.toLowerCase() === 'face' && !b.exception && b.bdb !== undefined && b.bdb.length > 0);
}

// ── Writing (test fixtures, tools) ────────────────────────────────────────────────────────────

export interface CbeffBirInput {
  readonly type: string;
  readonly subtype?: string;
  readonly formatType?: string;
  readonly quality?: number;
  readonly exception?: boolean;
  readonly bdb?: Uint8Array;
}

const escapeXml = (s: string): string => s.replace(/[<>&"']/g, (c) => `&${({ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' } as Record<string, string>)[c]};`);

/** Writes MOSIP-shaped CBEFF XML: a root BIR with one nested BIR per input. */
export function writeCbeff(birs: readonly CbeffBirInput[], options: { base64?: 'standard' | 'url-unpadded' } = {}): string {
  const encode = (b: Uint8Array): string => options.base64 === 'standard' ? Buffer.from(b).toString('base64') : Buffer.from(b).toString('base64url');
  const parts = birs.map((b) => [
    '  <BIR>',
    '    <Version><Major>1</Major><Minor>1</Minor></Version>',
    '    <CBEFFVersion><Major>1</Major><Minor>1</Minor></CBEFFVersion>',
    '    <BIRInfo><Integrity>false</Integrity></BIRInfo>',
    '    <BDBInfo>',
    `      <Format><Organization>Mosip</Organization><Type>${escapeXml(b.formatType ?? '7')}</Type></Format>`,
    `      <Type>${escapeXml(b.type)}</Type>`,
    b.subtype === undefined ? '' : `      <Subtype>${escapeXml(b.subtype)}</Subtype>`,
    '      <Level>Raw</Level>',
    '      <Purpose>Enroll</Purpose>',
    `      <Quality><Algorithm><Organization>HMAC</Organization><Type>SHA-256</Type></Algorithm><Score>${b.quality ?? 80}</Score></Quality>`,
    '    </BDBInfo>',
    b.bdb === undefined || b.exception ? '' : `    <BDB>${encode(b.bdb)}</BDB>`,
    `    <others><entry key="EXCEPTION">${b.exception ? 'true' : 'false'}</entry></others>`,
    '  </BIR>',
  ].filter((l) => l !== '').join('\n'));
  return [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    '<BIR xmlns="http://standards.iso.org/iso-iec/19785/-3/ed-2/">',
    '  <BIRInfo><Integrity>false</Integrity></BIRInfo>',
    ...parts,
    '</BIR>',
    '',
  ].join('\n');
}
