/**
 * PDFs built by hand for tests, where pdf-lib cannot: a real encrypted one (standard security
 * handler, revision 2), so that "password-protected" is tested with a file pdf.js itself opens
 * when given the password.
 */
import { md5 } from '@noble/hashes/legacy.js';

const PASSWORD_PADDING = Uint8Array.from([
  0x28, 0xbf, 0x4e, 0x5e, 0x4e, 0x75, 0x8a, 0x41, 0x64, 0x00, 0x4e, 0x56, 0xff, 0xfa, 0x01, 0x08, 0x2e, 0x2e, 0x00, 0xb6, 0xd0, 0x68, 0x3e, 0x80,
  0x2f, 0x0c, 0xa9, 0xfe, 0x64, 0x53, 0x69, 0x7a,
]);

function rc4(key: Uint8Array, data: Uint8Array): Uint8Array {
  const s = Uint8Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + (s[i] ?? 0) + (key[i % key.length] ?? 0)) & 0xff;
    [s[i], s[j]] = [s[j] ?? 0, s[i] ?? 0];
  }
  const out = new Uint8Array(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 0xff;
    j = (j + (s[i] ?? 0)) & 0xff;
    [s[i], s[j]] = [s[j] ?? 0, s[i] ?? 0];
    out[n] = (data[n] ?? 0) ^ (s[((s[i] ?? 0) + (s[j] ?? 0)) & 0xff] ?? 0);
  }
  return out;
}

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  parts.reduce((offset, part) => (out.set(part, offset), offset + part.length), 0);
  return out;
};
const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * A one-page PDF encrypted with the standard security handler, revision 2 (40-bit RC4, PDF 1.7
 * §7.6.3, algorithms 2 to 4), whose user password is `password`: only that password opens it.
 */
export function encryptedPdf(password: string, text: string): Uint8Array {
  const latin1 = (value: string) => Uint8Array.from(value, (c) => c.charCodeAt(0));
  const padded = (value: string) => concat(latin1(value), PASSWORD_PADDING).slice(0, 32);
  const id = md5(latin1('carnet-test-encrypted'));
  const permissions = -4;
  const owner = rc4(md5(padded('owner secret')).slice(0, 5), padded(password));
  const p = new Uint8Array(4);
  new DataView(p.buffer).setInt32(0, permissions, true);
  const key = md5(concat(padded(password), owner, p, id)).slice(0, 5);
  const user = rc4(key, PASSWORD_PADDING);
  const objectKey = (number: number) => md5(concat(key, Uint8Array.from([number & 0xff, (number >> 8) & 0xff, number >> 16, 0, 0]))).slice(0, 10);
  const content = rc4(objectKey(4), latin1(`BT /F1 24 Tf 72 720 Td (${text}) Tj ET`));
  const objects: Uint8Array[] = [
    latin1('<< /Type /Catalog /Pages 2 0 R >>'),
    latin1('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    latin1('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>'),
    concat(latin1(`<< /Length ${content.length} >>\nstream\n`), content, latin1('\nendstream')),
    latin1('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'),
    latin1(`<< /Filter /Standard /V 1 /R 2 /O <${hex(owner)}> /U <${hex(user)}> /P ${permissions} >>`),
  ];
  const parts: Uint8Array[] = [latin1('%PDF-1.4\n')];
  const offsets: number[] = [];
  let length = parts[0]?.length ?? 0;
  objects.forEach((body, i) => {
    const object = concat(latin1(`${i + 1} 0 obj\n`), body, latin1('\nendobj\n'));
    offsets.push(length);
    parts.push(object);
    length += object.length;
  });
  const xref = ['xref', `0 ${objects.length + 1}`, '0000000000 65535 f ', ...offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n `)].join('\n');
  const trailer = `\ntrailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Encrypt 6 0 R /ID [<${hex(id)}> <${hex(id)}>] >>\nstartxref\n${length}\n%%EOF\n`;
  return concat(...parts, latin1(xref), latin1(trailer));
}
