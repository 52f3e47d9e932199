/**
 * SHA-1 whose state can be saved after every acknowledged chunk, so an upload cut at any byte
 * resumes without re-reading what Google already has (hash-wasm: save()/load()).
 */
import { createSHA1, type IHasher } from 'hash-wasm';

export interface ResumableSha1 {
  update(bytes: Uint8Array): void;
  save(): Uint8Array;
  hex(): string;
}

export async function createResumableSha1(state?: Uint8Array): Promise<ResumableSha1> {
  const hasher: IHasher = await createSHA1();
  hasher.init();
  if (state) hasher.load(state);
  return {
    update: (bytes) => {
      hasher.update(bytes);
    },
    save: () => hasher.save(),
    hex: () => hasher.digest('hex'),
  };
}

export function hexToBase64(hex: string): string {
  let binary = '';
  for (let i = 0; i < hex.length; i += 2)
    binary += String.fromCharCode(Number.parseInt(hex.slice(i, i + 2), 16));
  return btoa(binary);
}
