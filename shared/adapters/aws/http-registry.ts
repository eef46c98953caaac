import { civilServiceRecord } from '../registry-record.js';
import { RegistryUnavailableError, type CivilServiceRecord, type CivilServiceRegistry } from '../../ports/registry.js';

/**
 * The civil-service registry over HTTPS (BKN SI-ASN for ASN, SIPP for Polri, usually behind the
 * province's integration gateway): GET <baseUrl>/asn/<nip> or /polri/<nrp> with a bearer
 * credential; 200 with the record, 404 when unknown. Anything else, or no answer within the
 * timeout, is RegistryUnavailable (retried by the workflow, then handed to a verifier).
 */
export class HttpRegistry implements CivilServiceRegistry {
  constructor(
    private readonly baseUrl: string,
    private readonly credential: () => Promise<string>,
    private readonly timeoutMs = 5000,
  ) {}

  async find(employmentType: 'ASN' | 'POLRI', number: string): Promise<CivilServiceRecord | undefined> {
    const url = `${this.baseUrl.replace(/\/+$/, '')}/${employmentType.toLowerCase()}/${encodeURIComponent(number)}`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { authorization: `Bearer ${await this.credential()}`, accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new RegistryUnavailableError(`Registry unreachable: ${(error as Error).name}`);
    }
    if (response.status === 404) return undefined;
    if (!response.ok) throw new RegistryUnavailableError(`Registry answered ${response.status}`);
    const parsed = civilServiceRecord.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new RegistryUnavailableError('Registry answered with an unexpected body');
    return parsed.data;
  }
}
