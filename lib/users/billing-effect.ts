import type { JiraRole } from '../invitations/invite-users.rules';

/** What a change of Jira role does to billing, for the confirmation dialog. */
export function billingEffect(from: JiraRole | null, to: JiraRole): string {
  const licensed = (role: JiraRole | null) => role === 'USER' || role === 'ADMIN';
  if (!licensed(from) && licensed(to)) return 'This adds 1 licensed seat to your bill.';
  if (licensed(from) && !licensed(to)) return 'This frees 1 licensed seat.';
  return 'Your licensed seats stay the same.';
}
