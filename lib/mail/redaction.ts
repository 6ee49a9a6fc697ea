/** What replaces an invitation token in the outbox once it must no longer be usable or stored. */
export const REDACTED_TOKEN = '[redacted]';
