import type { Db, Tx } from '@avelon/core';

/** What a repository function runs on: a connection (primary or replica) or an open transaction. */
export type Runner = Db | Tx;
