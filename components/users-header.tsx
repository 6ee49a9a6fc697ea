import Link from 'next/link';

type Props = {
  exportHref: string;
  /** null when the viewer may not invite or approve (the button is hidden). */
  inviteHref: string | null;
  pendingRequests: number | null;
  licensedSeats: number;
  guestsUsed: number;
  guestAllowance: number;
};

const BUTTON = 'inline-flex items-center gap-2 rounded px-3 py-1.5 font-medium';

/** Title, the page's actions and the seat figures billing and the guest allowance count. */
export function UsersHeader({ exportHref, inviteHref, pendingRequests, licensedSeats, guestsUsed, guestAllowance }: Props) {
  return (
    <header className="mb-6">
      <div className="flex flex-wrap items-center gap-4">
        <h1 className="mr-auto text-2xl font-semibold">Users</h1>
        {inviteHref ? (
          <Link href={inviteHref} className={`${BUTTON} bg-brand text-white hover:bg-brand-hovered`}>
            Invite users
          </Link>
        ) : null}
        {pendingRequests !== null ? (
          <>
            <Link href="/admin/requests" aria-describedby="users-pending-requests" className={`${BUTTON} bg-neutral hover:bg-neutral-hovered`}>
              Approve requests
              {pendingRequests > 0 ? (
                <span aria-hidden="true" className="rounded-full bg-brand px-1.5 text-xs leading-5 font-semibold text-white">
                  {pendingRequests}
                </span>
              ) : null}
            </Link>
            <span id="users-pending-requests" className="sr-only">
              {pendingRequests === 1 ? '1 pending request' : `${pendingRequests} pending requests`}
            </span>
          </>
        ) : null}
        {/* A plain link: the export is a file download from a route handler, not a page. */}
        <a href={exportHref} className={`${BUTTON} bg-neutral hover:bg-neutral-hovered`}>
          Export users
        </a>
      </div>
      <p className="mt-3 flex gap-6 text-text-subtle">
        <span>
          Licensed seats: <strong className="font-semibold text-text">{licensedSeats}</strong>
        </span>
        <span>
          Guests: <strong className="font-semibold text-text">{guestsUsed}</strong> of {guestAllowance}
        </span>
      </p>
    </header>
  );
}
