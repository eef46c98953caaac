/** Which tenant owns an e-mail domain (each domain has one owner, claimed with the tenant). */
export interface DomainOwners {
  /** The owning tenant's id, or undefined when no tenant lists the (normalised) domain. */
  ownerOf(domain: string): Promise<string | undefined>;
}
