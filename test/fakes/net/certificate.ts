import { createHash, X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';

export interface FakeCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  /** base64 SHA-256 of the DER SubjectPublicKeyInfo: the value `--ignore-certificate-errors-spki-list` takes. */
  readonly spkiHash: string;
}

/** One self-signed certificate for every fake host; `dnsNames` may hold wildcards such as `*.mi.com`. */
export async function createFakeCertificate(dnsNames: readonly string[]): Promise<FakeCertificate> {
  const unique = [...new Set(dnsNames)];
  const pems = await generate([{ name: 'commonName', value: 'fake-net.test' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: unique.map((value) => ({ type: 2, value })) },
    ],
  });
  return { certPem: pems.cert, keyPem: pems.private, spkiHash: spkiSha256Base64(pems.cert) };
}

// chromium-e2e.md §3: the SPKI list is narrower than --ignore-certificate-errors and also covers
// requests made by the extension's service worker.
export function spkiSha256Base64(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}
