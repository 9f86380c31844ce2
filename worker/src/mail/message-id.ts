import { createHash } from 'node:crypto';

/**
 * The Message-ID of a job's mail, derived from the job kind and entity: every attempt of the same job
 * sends the same Message-ID, so a receiver (or the sink in tests) can recognise a duplicate from the one
 * window the ledger cannot close. Hashed, so no address or code leaks into headers.
 */
export function messageIdFor(kind: string, entityKey: string, domain: string): string {
  const digest = createHash('sha256').update(`${kind}\0${entityKey}`).digest('hex').slice(0, 32);
  return `<${kind}.${digest}@${domain}>`;
}
