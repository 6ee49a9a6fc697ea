const TEXT = { 'Content-Type': 'text/plain; charset=utf-8' };

/** A plain-text refusal for a download route (401 signed out, 403 not allowed). */
export function downloadRefusal(status: 401 | 403, message: string): Response {
  return new Response(message, { status, headers: TEXT });
}

/**
 * A CSV attachment streamed from an async iterable of chunks, pulled batch by batch as the client
 * reads, so a large export never sits in memory at once.
 */
export function csvDownload(chunks: AsyncIterable<string>, filename: string): Response {
  const iterator = chunks[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(value));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
