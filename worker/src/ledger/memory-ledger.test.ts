import { ledgerConformance } from './ledger-conformance.ts';
import { MemoryLedger } from './memory-ledger.ts';

ledgerConformance('MemoryLedger', async (retentionMs) => ({
  ledger: new MemoryLedger(retentionMs),
  close: async () => {},
}));
