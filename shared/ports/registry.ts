/** A person as the civil-service registry (BKN SI-ASN for ASN, SIPP for Polri) knows them. */
export interface CivilServiceRecord {
  employmentType: 'ASN' | 'POLRI';
  nip?: string;
  nrp?: string;
  nik: string;
  fullName: string;
  position: string;
  unitName: string;
  agency: string;
}

export interface CivilServiceRegistry {
  /** The record for a NIP (ASN) or NRP (Polri); undefined when the registry does not know it. */
  find(employmentType: 'ASN' | 'POLRI', number: string): Promise<CivilServiceRecord | undefined>;
}

/**
 * The registry could not answer (down, timing out, refusing us). The name is what the state
 * machine retries on and, after its retries, sends the application to a verifier with.
 */
export class RegistryUnavailableError extends Error {
  override readonly name = 'RegistryUnavailable';
}
