/** The client's address: the first hop recorded by a trusted proxy, else unknown. */
export function clientIp(headers: Headers): string | null {
  const forwarded = headers.get('x-forwarded-for');
  const first = forwarded?.split(',')[0]?.trim();
  return (first || headers.get('x-real-ip') || null)?.slice(0, 64) ?? null;
}
