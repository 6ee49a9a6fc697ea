import pg from 'pg';

/**
 * A statement run on a connection of its own and left uncommitted, for race tests: what another
 * transaction does meanwhile can be watched waiting for it, then `commit()` lets it go. `end()`
 * closes the connection (rolling back if it was never committed).
 */
export async function uncommitted(url: string, text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(text, values);
  } catch (error) {
    await client.end();
    throw error;
  }
  return { commit: () => client.query('COMMIT'), end: () => client.end() };
}

/** 'waiting' if `promise` has not settled within `ms`, else 'done' (a rejection counts as done). */
export function settledWithin(promise: Promise<unknown>, ms: number): Promise<'done' | 'waiting'> {
  return Promise.race([
    promise.then(
      () => 'done' as const,
      () => 'done' as const,
    ),
    new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), ms)),
  ]);
}
