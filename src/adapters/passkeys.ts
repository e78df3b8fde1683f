/**
 * Passkeys through WebAuthn with the PRF extension (W3C WebAuthn Level 3, "prf"). There is no
 * server here to check an assertion: what unlocks the vault is the PRF output, which the
 * authenticator releases only after verifying the user, and which opens a wrap only if it is the
 * right credential for this vault's salt.
 */
import { toBase64Url } from '../core/bytes.ts';
import type { PasskeyAuthenticator, PasskeyError, PasskeyRegistration } from '../core/ports.ts';
import { err, ok, type Result } from '../core/result.ts';
import { systemRandom } from './system.ts';

interface PrfResults {
  readonly enabled?: boolean;
  readonly results?: { readonly first?: BufferSource };
}

function prfOf(credential: PublicKeyCredential): PrfResults | undefined {
  return (credential.getClientExtensionResults() as { prf?: PrfResults }).prf;
}

function bytesOf(source: BufferSource | undefined): Uint8Array | null {
  if (source === undefined) return null;
  return source instanceof ArrayBuffer ? new Uint8Array(source) : new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
}

/**
 * What the browser's refusal means for the patient. A dismissed prompt or a timeout is
 * NotAllowedError, an aborted request AbortError; anything else (a wrong relying party, options
 * we got wrong) is a bug or a misconfiguration, and throws rather than pass for a cancel.
 */
function refusal(error: unknown): PasskeyError {
  if (error instanceof DOMException) {
    if (error.name === 'NotAllowedError' || error.name === 'AbortError') return { type: 'PasskeyCancelled' };
    if (error.name === 'NotSupportedError') return { type: 'PasskeyUnsupported' };
  }
  throw error;
}

async function evaluate(credentials: readonly { credentialId: Uint8Array; prfSalt: Uint8Array }[]): Promise<Result<PasskeyRegistration, PasskeyError>> {
  const evalByCredential: Record<string, { first: BufferSource }> = {};
  for (const credential of credentials) evalByCredential[toBase64Url(credential.credentialId)] = { first: credential.prfSalt as Uint8Array<ArrayBuffer> };
  let assertion: PublicKeyCredential | null;
  try {
    assertion = (await navigator.credentials.get({
      publicKey: {
        challenge: systemRandom.bytes(32),
        allowCredentials: credentials.map((credential) => ({ type: 'public-key' as const, id: credential.credentialId as Uint8Array<ArrayBuffer> })),
        userVerification: 'required',
        extensions: { prf: { evalByCredential } } as AuthenticationExtensionsClientInputs,
      },
    })) as PublicKeyCredential | null;
  } catch (error) {
    return err(refusal(error));
  }
  if (assertion === null) return err({ type: 'PasskeyCancelled' });
  const output = bytesOf(prfOf(assertion)?.results?.first);
  if (output === null) return err({ type: 'PasskeyWithoutPrf' });
  return ok({ credentialId: new Uint8Array(assertion.rawId), prfOutput: output });
}

export const webAuthnPasskeys: PasskeyAuthenticator = {
  async isAvailable() {
    if (typeof PublicKeyCredential === 'undefined' || navigator.credentials === undefined) return false;
    const capabilities = (PublicKeyCredential as unknown as { getClientCapabilities?: () => Promise<Record<string, boolean>> }).getClientCapabilities;
    if (typeof capabilities !== 'function') return true;
    const known = await capabilities.call(PublicKeyCredential).catch(() => ({}) as Record<string, boolean>);
    return known['extension:prf'] !== false;
  },

  async register({ name, prfSalt }) {
    let created: PublicKeyCredential | null;
    try {
      created = (await navigator.credentials.create({
        publicKey: {
          rp: { name: 'Carnet' },
          user: { id: systemRandom.bytes(16), name, displayName: name },
          challenge: systemRandom.bytes(32),
          pubKeyCredParams: [
            { type: 'public-key', alg: -7 },
            { type: 'public-key', alg: -257 },
          ],
          authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
          extensions: { prf: { eval: { first: prfSalt as Uint8Array<ArrayBuffer> } } } as AuthenticationExtensionsClientInputs,
        },
      })) as PublicKeyCredential | null;
    } catch (error) {
      return err(refusal(error));
    }
    if (created === null) return err({ type: 'PasskeyCancelled' });
    const prf = prfOf(created);
    if (prf?.enabled === false) return err({ type: 'PasskeyWithoutPrf' });
    const credentialId = new Uint8Array(created.rawId);
    const output = bytesOf(prf?.results?.first);
    if (output !== null) return ok({ credentialId, prfOutput: output });
    // Some authenticators evaluate PRF only when asked to sign in: ask once more, now.
    return evaluate([{ credentialId, prfSalt }]);
  },

  evaluate,
};
