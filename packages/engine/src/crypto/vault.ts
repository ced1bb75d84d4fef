import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Keeps personal identity codes encrypted (AES-256-GCM, a fresh 96-bit IV each time) and findable through a
 * keyed hash (HMAC-SHA-256 with a separate key), so that the database and its files never hold a hetu in plain
 * text (DESIGN.md principle 6).
 *
 * Ciphertext layout: `version (1 byte) | iv (12) | tag (16) | ciphertext`.
 *
 * @example
 * ```ts
 * const vault = new HetuVault(randomKeys());
 * const sealed = vault.encrypt('131052-308T');
 * vault.decrypt(sealed); // '131052-308T'
 * vault.lookup('131052-308T').equals(vault.lookup('131052-308T')); // true
 * ```
 */
export interface Keys {
  encryption: Buffer;
  lookup: Buffer;
}

const VERSION = 1;

export function randomKeys(): Keys {
  return { encryption: randomBytes(32), lookup: randomBytes(32) };
}

/** The label the audit chain key is derived under (HKDF-SHA-256 of the lookup key). */
export const AUDIT_CHAIN_LABEL = 'lupaus audit chain v1';

export class HetuVault {
  /**
   * The key of the audit trail's hash chain (R6.4), derived from the lookup key with HKDF-SHA-256 and the label
   * 'lupaus audit chain v1': the database never holds it, so whoever can only change the database cannot
   * recompute the hashes of rows they edited, inserted or reordered.
   */
  readonly auditKey: Buffer;

  constructor(private readonly keys: Keys) {
    if (keys.encryption.length !== 32 || keys.lookup.length !== 32) {
      throw new Error('the encryption and lookup keys must each be 32 bytes');
    }
    this.auditKey = Buffer.from(hkdfSync('sha256', keys.lookup, Buffer.alloc(0), AUDIT_CHAIN_LABEL, 32));
  }

  encrypt(plain: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.encryption, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  decrypt(sealed: Buffer): string {
    if (sealed[0] !== VERSION) throw new Error(`unknown ciphertext version ${sealed[0]}`);
    const iv = sealed.subarray(1, 13);
    const tag = sealed.subarray(13, 29);
    const decipher = createDecipheriv('aes-256-gcm', this.keys.encryption, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]).toString('utf8');
  }

  /**
   * Encrypts bytes (a stored file) with the same key and layout as `encrypt`: `version | iv | tag | ciphertext`.
   * The authentication tag makes a changed or truncated file fail to decrypt rather than yield wrong bytes;
   * `aad` (such as the storage key) binds the ciphertext to where it belongs, so bytes moved to another key fail too.
   */
  encryptBytes(plain: Buffer, aad?: Buffer): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.encryption, iv);
    if (aad) cipher.setAAD(aad);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  decryptBytes(sealed: Buffer, aad?: Buffer): Buffer {
    if (sealed.length < 29 || sealed[0] !== VERSION) throw new Error('not a sealed file of this register');
    const decipher = createDecipheriv('aes-256-gcm', this.keys.encryption, sealed.subarray(1, 13));
    if (aad) decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(13, 29));
    return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]);
  }

  lookup(value: string): Buffer {
    return createHmac('sha256', this.keys.lookup).update(value).digest();
  }
}
