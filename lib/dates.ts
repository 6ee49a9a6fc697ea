// Dates as the admin screens show them, always in UTC. One Intl.DateTimeFormat per format, made
// once: Date#toLocaleDateString(locale, options) builds a new formatter on every call, which cost
// a list page of 50 rows a measurable share of its CPU time. Safe in client components.

const UTC_DATE = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });

/** "Nov 26, 2026" (UTC). */
export function formatUtcDate(date: Date): string {
  return UTC_DATE.format(date);
}
