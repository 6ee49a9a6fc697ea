import { prisma } from '@/lib/db/client';
import { viewerWith } from '@/lib/auth/guard';
import { can } from '@/lib/access/policy';
import { MAX_GUEST_ACCESS_DEFAULT_DAYS } from '@/lib/invitations/invite-users.schema';
import { siteUsage } from '@/lib/site-usage';
import { NoAccess } from '@/components/no-access';
import { ActionForm } from '@/components/action-form';
import { changePlanAction, setGuestAccessDefaultAction } from '../actions';

export const metadata = { title: 'Billing · Settings · Portico' };

const PLANS = [
  { value: 'FREE', label: 'Free', note: 'Up to 10 users. No guest access.' },
  { value: 'STANDARD', label: 'Standard', note: 'Guest access, 5 guests per licensed user.' },
  { value: 'PREMIUM', label: 'Premium', note: 'Guest access and advanced admin controls.' },
  { value: 'ENTERPRISE', label: 'Enterprise', note: 'Guest access across many sites.' },
] as const;

export default async function BillingPage() {
  const viewer = await viewerWith('admin.billing.manage');
  if (!viewer) return <NoAccess />;
  const [usage, site] = await Promise.all([
    siteUsage(prisma, viewer.site.id),
    prisma.site.findUniqueOrThrow({ where: { id: viewer.site.id }, select: { organization: { select: { guestAccessDefaultDays: true } } } }),
  ]);
  const guestDefaultDays = site.organization.guestAccessDefaultDays;
  const current = PLANS.find((p) => p.value === viewer.site.plan)!;
  return (
    <div className="max-w-2xl">
      <h1 className="text-2xl font-semibold">Billing</h1>
      <p className="mt-2 mb-6 text-text-subtle">Portico has no payments: this page shows and changes the plan that decides which features the site has.</p>
      <dl className="mb-8 grid grid-cols-[12rem_1fr] gap-y-2">
        <dt className="text-text-subtle">Current plan</dt><dd className="font-semibold">{current.label}</dd>
        <dt className="text-text-subtle">Licensed seats</dt><dd>{usage.licensedSeats}</dd>
        <dt className="text-text-subtle">Guests</dt><dd>{usage.guests + usage.pendingGuestInvitations} of {usage.guestAllowance}</dd>
      </dl>
      <ActionForm action={changePlanAction} fields={{}} label="Change plan" appearance="primary">
        <fieldset className="mb-4">
          <legend className="mb-2 text-xs font-semibold text-text-subtle">Plan</legend>
          {PLANS.map((plan) => (
            <label key={plan.value} className="mb-2 flex items-start gap-2">
              <input type="radio" name="plan" value={plan.value} defaultChecked={plan.value === current.value} className="mt-1" />
              <span><span className="font-medium">{plan.label}</span><span className="block text-text-subtle">{plan.note}</span></span>
            </label>
          ))}
        </fieldset>
      </ActionForm>

      {can(viewer, 'admin.users.manage') ? (
        <section aria-labelledby="guest-access-heading" className="mt-10">
          <h2 id="guest-access-heading" className="text-lg font-semibold">Guest access</h2>
          <p className="mt-1 mb-4 text-text-subtle">
            {guestDefaultDays ? `New guests' access expires after ${guestDefaultDays} days by default.` : 'New guests’ access doesn’t expire by default.'}{' '}
            The default is proposed as “Access expires on” when you invite a guest, and applied when you approve a guest’s access request.
          </p>
          <ActionForm action={setGuestAccessDefaultAction} fields={{}} label="Save">
            <label htmlFor="guest-default-days" className="mb-1 block text-xs font-semibold text-text-subtle">
              Default guest access length (days)
            </label>
            <input id="guest-default-days" name="days" type="number" min={1} max={MAX_GUEST_ACCESS_DEFAULT_DAYS} step={1} placeholder="No expiry"
              defaultValue={guestDefaultDays ?? ''} aria-describedby="guest-default-days-help" className="mr-2 w-32 rounded border border-border px-2 py-1" />
            <p id="guest-default-days-help" className="mt-1 mb-3 text-xs text-text-subtlest">
              For example 90. Up to {MAX_GUEST_ACCESS_DEFAULT_DAYS} days; leave empty for no expiry.
            </p>
          </ActionForm>
        </section>
      ) : null}
    </div>
  );
}
