import Link from 'next/link';
import { Avatar } from './avatar';
import type { NavItem } from '@/lib/navigation';

type Props = {
  siteName: string;
  items: NavItem[];
  settings: boolean;
  apps: string[];
  user: { name: string; email: string };
  signOut: () => Promise<void>;
  /** Account settings (API tokens) for people with access to the site. */
  accountLinks?: boolean;
};

export function TopNav({ siteName, items, settings, apps, user, signOut, accountLinks = false }: Props) {
  return (
    <header className="flex h-14 items-center gap-2 border-b border-border bg-surface px-3">
      <details className="relative">
        <summary aria-label="App switcher" className="flex h-8 w-8 cursor-pointer list-none items-center justify-center rounded hover:bg-neutral">
          <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
            {[0, 6, 12].flatMap((x) => [0, 6, 12].map((y) => <rect key={`${x}-${y}`} x={x} y={y} width="4" height="4" rx="1" fill="currentColor" />))}
          </svg>
        </summary>
        <div className="absolute left-0 z-20 mt-1 w-56 rounded border border-border bg-surface p-2 shadow-lg">
          <p className="px-2 pb-1 text-xs font-semibold text-text-subtlest uppercase">Apps on {siteName}</p>
          {apps.length ? (
            <ul>{apps.map((app) => <li key={app} className="rounded px-2 py-1.5 hover:bg-neutral">{app}</li>)}</ul>
          ) : (
            <p className="px-2 py-1.5 text-text-subtle">No apps</p>
          )}
        </div>
      </details>
      <Link href="/" className="mr-4 flex items-center gap-2 font-semibold">
        <span className="flex h-6 w-6 items-center justify-center rounded bg-brand text-xs text-white">P</span>
        <span>{siteName}</span>
      </Link>
      <nav aria-label="Main">
        <ul className="flex items-center gap-1">
          {items.map((item) => (
            <li key={item.href}>
              <Link href={item.href} className="rounded px-2 py-1.5 font-medium text-text-subtle hover:bg-neutral">
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="ml-auto flex items-center gap-2">
        {settings ? (
          <Link href="/admin/users" aria-label="Settings" title="Settings" className="flex h-8 w-8 items-center justify-center rounded hover:bg-neutral">
            <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2">
              <circle cx="12" cy="12" r="3" />
              <path d="M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z" />
            </svg>
          </Link>
        ) : null}
        <details className="relative">
          {/* Named by its text, not aria-label: the avatar's initials are visible but aria-hidden. */}
          <summary className="flex cursor-pointer list-none items-center rounded-full p-0.5 hover:bg-neutral">
            <span className="sr-only">Your profile and settings</span>
            <Avatar name={user.name} size={28} />
          </summary>
          <div className="absolute right-0 z-20 mt-1 w-64 rounded border border-border bg-surface p-2 shadow-lg">
            <p className="px-2 font-semibold">{user.name}</p>
            <p className="truncate px-2 pb-2 text-text-subtle">{user.email}</p>
            {accountLinks ? (
              <>
                <Link href="/account/security/two-step" className="block rounded px-2 py-1.5 hover:bg-neutral">
                  Two-step verification
                </Link>
                <Link href="/account/security/api-tokens" className="block rounded px-2 py-1.5 hover:bg-neutral">
                  API tokens
                </Link>
              </>
            ) : null}
            <form action={signOut}>
              <button type="submit" className="w-full rounded px-2 py-1.5 text-left hover:bg-neutral">
                Log out
              </button>
            </form>
          </div>
        </details>
      </div>
    </header>
  );
}
