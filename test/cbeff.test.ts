/**
 * CBEFF XML (engine/formats/cbeff.ts): MOSIP-shaped documents with both base64 forms,
 * exception BIRs, nested containers, namespaces, CDATA and entities; hostile input (DOCTYPE/XXE,
 * huge, deep, malformed, bad base64) → RecordFormatError with a stable code.
 */
import { describe, expect, it } from 'vitest';
import { RecordFormatError, readCbeff, writeCbeff, decodeBase64Strict } from '../engine/index.ts';

const BYTES = Uint8Array.from({ length: 200 }, (_, i) => (i * 37 + 11) & 255);

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RecordFormatError);
    return (e as RecordFormatError).code;
  }
  return undefined;
}

describe('CBEFF reading', () => {
  it('reads both base64 forms into the same bytes', () => {
    for (const base64 of ['standard', 'url-unpadded'] as const) {
      const xml = writeCbeff([{ type: 'Finger', subtype: 'Left IndexFinger', bdb: BYTES, quality: 77 }], { base64 });
      const { birs } = readCbeff(xml);
      expect(birs).toHaveLength(1);
      expect(birs[0]).toMatchObject({ type: ['Finger'], subtype: ['Left', 'IndexFinger'], quality: 77, exception: false, level: 'Raw', purpose: 'Enroll' });
      expect(birs[0].format).toEqual({ organization: 'Mosip', type: '7' });
      expect(Array.from(birs[0].bdb!)).toEqual(Array.from(BYTES));
    }
    expect(writeCbeff([{ type: 'Finger', bdb: BYTES }])).not.toMatch(/<BDB>[^<]*[+/=][^<]*<\/BDB>/);
  });

  it('honours exception BIRs (no BDB) and reads the others entries', () => {
    const xml = writeCbeff([
      { type: 'Finger', subtype: 'Right Thumb', exception: true },
      { type: 'Iris', subtype: 'Left', bdb: BYTES, formatType: '9' },
      { type: 'Face', bdb: BYTES, formatType: '8' },
    ], { base64: 'url-unpadded' });
    const { birs } = readCbeff(new TextEncoder().encode(xml));
    expect(birs.map((b) => [b.type[0], b.exception, b.bdb?.length])).toEqual([['Finger', true, undefined], ['Iris', false, 200], ['Face', false, 200]]);
    expect(birs[0].others).toEqual({ EXCEPTION: 'true' });
  });

  it('flattens nested container BIRs, drops namespace prefixes, reads CDATA, entities and comments', () => {
    const b64 = Buffer.from(BYTES).toString('base64');
    const xml = `<?xml version="1.0"?>
<!-- a MOSIP-like record -->
<cbeff:BIR xmlns:cbeff="http://standards.iso.org/iso-iec/19785/-3/ed-2/">
  <cbeff:BIR>
    <cbeff:BIR><cbeff:BDBInfo><cbeff:Type>Finger</cbeff:Type><cbeff:Subtype>Right&#32;IndexFinger</cbeff:Subtype></cbeff:BDBInfo>
      <cbeff:BDB><![CDATA[${b64.slice(0, 40)}]]>
        ${b64.slice(40)}</cbeff:BDB></cbeff:BIR>
    <cbeff:BIR><cbeff:BDBInfo><cbeff:Type>Iris</cbeff:Type><cbeff:Subtype>Right</cbeff:Subtype></cbeff:BDBInfo>
      <cbeff:others><cbeff:entry key="note">a &lt;b&gt; &amp; &quot;c&quot;</cbeff:entry><cbeff:entry key="EXCEPTION">TRUE</cbeff:entry></cbeff:others><cbeff:SB/></cbeff:BIR>
  </cbeff:BIR>
</cbeff:BIR>`;
    const { birs } = readCbeff(xml);
    expect(birs.map((b) => b.subtype.join(' '))).toEqual(['Right IndexFinger', 'Right']);
    expect(Array.from(birs[0].bdb!)).toEqual(Array.from(BYTES));
    expect(birs[1]).toMatchObject({ exception: true, bdb: undefined, others: { note: 'a <b> & "c"', EXCEPTION: 'TRUE' } });
  });

  it('refuses DOCTYPE and entity declarations (XXE, entity expansion)', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE BIR [<!ENTITY x SYSTEM "file:///etc/passwd">]><BIR><BIR><BDBInfo><Type>Finger</Type></BDBInfo><BDB>&x;</BDB></BIR></BIR>';
    expect(code(() => readCbeff(xxe))).toBe('ERR_CBEFF_DOCTYPE');
    const lol = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><BIR>&lol2;</BIR>';
    expect(code(() => readCbeff(lol))).toBe('ERR_CBEFF_DOCTYPE');
    expect(code(() => readCbeff('<BIR><BIR><BDBInfo><Type>Finger</Type></BDBInfo><BDB>&ext;</BDB></BIR></BIR>'))).toBe('ERR_CBEFF_XML');
  });

  it('bounds size, depth, element and BIR counts', () => {
    expect(code(() => readCbeff(writeCbeff([{ type: 'Finger', bdb: new Uint8Array(4096) }]), { maxBytes: 2048 }))).toBe('ERR_CBEFF_TOO_LARGE');
    expect(code(() => readCbeff('<BIR>'.repeat(100) + '</BIR>'.repeat(100)))).toBe('ERR_CBEFF_LIMIT');
    expect(code(() => readCbeff(`<BIR>${'<x/>'.repeat(30_000)}</BIR>`))).toBe('ERR_CBEFF_LIMIT');
    const many = writeCbeff(Array.from({ length: 65 }, () => ({ type: 'Finger', exception: true })));
    expect(code(() => readCbeff(many))).toBe('ERR_CBEFF_LIMIT');
  });

  it('gives typed errors for malformed documents', () => {
    const cases: [string | Uint8Array, string][] = [
      ['', 'ERR_CBEFF_XML'],
      ['not xml at all', 'ERR_CBEFF_XML'],
      ['<BIR><BIR></BIR>', 'ERR_CBEFF_XML'],
      ['<BIR></BIRx>', 'ERR_CBEFF_XML'],
      ['<BIR a="1" a="2"></BIR>', 'ERR_CBEFF_XML'],
      ['<BIR></BIR><BIR></BIR>', 'ERR_CBEFF_XML'],
      ['<BIR><!-- open', 'ERR_CBEFF_XML'],
      ['<BIR>a & b</BIR>', 'ERR_CBEFF_XML'],
      ['<BIR>&#0;</BIR>', 'ERR_CBEFF_XML'],
      ['<Record></Record>', 'ERR_CBEFF_STRUCTURE'],
      ['<BIR><BIR><BDB>AAAA</BDB></BIR></BIR>', 'ERR_CBEFF_STRUCTURE'],
      ['<BIR><BIR><BDBInfo><Type> </Type></BDBInfo></BIR></BIR>', 'ERR_CBEFF_STRUCTURE'],
      ['<BIR><BIR><BDBInfo><Type>Finger</Type></BDBInfo><BDB>AA*A</BDB></BIR></BIR>', 'ERR_CBEFF_BASE64'],
      ['<BIR><BIR><BDBInfo><Type>Finger</Type></BDBInfo><BDB>AAAAA</BDB></BIR></BIR>', 'ERR_CBEFF_BASE64'],
      ['<BIR><BIR><BDBInfo><Type>Finger</Type></BDBInfo><BDB>A+_A</BDB></BIR></BIR>', 'ERR_CBEFF_BASE64'],
      [Uint8Array.of(0x3c, 0x42, 0x49, 0x52, 0x3e, 0xff, 0xfe, 0x3c), 'ERR_CBEFF_ENCODING'],
    ];
    for (const [input, expected] of cases) expect([input, code(() => readCbeff(input))]).toEqual([input, expected]);
    expect(code(() => readCbeff(42 as unknown as string))).toBe('ERR_CBEFF_XML');
  });

  it('decodes base64 strictly', () => {
    expect(Array.from(decodeBase64Strict('AQID'))).toEqual([1, 2, 3]);
    expect(Array.from(decodeBase64Strict('AQI'))).toEqual([1, 2]);
    expect(Array.from(decodeBase64Strict('AQI=\n'))).toEqual([1, 2]);
    expect(Array.from(decodeBase64Strict('-_8'))).toEqual([251, 255]);
    expect(code(() => decodeBase64Strict('AQI=='))).toBe('ERR_CBEFF_BASE64');
  });
});
