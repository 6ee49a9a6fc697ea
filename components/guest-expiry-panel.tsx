import type { Result } from '@/lib/result';
import type { GuestExpiryView } from '@/lib/guests/expiry';
import { ActionForm } from './action-form';
import { Lozenge } from './lozenge';

type ChangeAction = (input: Record<string, string>) => Promise<Result<string>>;

/** A guest's profile: "Access expires on …" or "No expiry", with Extend and a date to set or clear. */
export function GuestExpiryPanel({ userId, name, view, action }: { userId: string; name: string; view: GuestExpiryView; action: ChangeAction | null }) {
  return (
    <section aria-labelledby="guest-expiry-heading" className="mb-8">
      <h2 id="guest-expiry-heading" className="mb-1 text-lg font-semibold">Guest access expiry</h2>
      <p className="mb-3 text-text-subtle">
        On the day access expires, {name} is removed from their space and their access is suspended. The person who invited them and
        the site admins get an email seven days before.
      </p>
      <p className="mb-3">
        <strong>{view.label}</strong>{' '}
        {view.state === 'ENDING' || view.state === 'EXPIRED' ? <Lozenge tone="danger">Expired</Lozenge> : null}
      </p>
      {action ? (
        <div className="flex flex-wrap items-end gap-6">
          <ActionForm action={action} fields={{ userId, change: 'extend' }} label={`Extend by ${view.extendDays} days`} appearance="primary" />
          <ActionForm action={action} fields={{ userId, change: 'set' }} label="Save date">
            <label htmlFor="guest-expires-on" className="mb-1 block text-xs font-semibold text-text-subtle">
              Access expires on
            </label>
            <input id="guest-expires-on" name="expiresOn" type="date" required defaultValue={view.expiresOn} min={view.minExpiresOn} max={view.maxExpiresOn}
              className="mr-2 rounded border border-border px-2 py-1" />
          </ActionForm>
          {view.state === 'SCHEDULED' || view.state === 'ENDING' ? (
            <ActionForm action={action} fields={{ userId, change: 'clear' }} label="Remove expiry" appearance="subtle" />
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
