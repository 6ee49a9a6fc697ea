'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useState, useTransition } from 'react';
import type { Result } from '@/lib/result';
import { Avatar } from './avatar';
import { Button } from './button';
import { Modal } from './modal';

type Person = { id: string; name: string; email: string };
type Ref = { spaceKey: string; number: number };

type Props = Ref & {
  itemKey: string;
  shares: Person[];
  search: (input: Ref & { query: string }) => Promise<Result<Person[]>>;
  share: (input: Ref & { userId: string }) => Promise<Result<string>>;
  unshare: (input: Ref & { userId: string }) => Promise<Result<string>>;
};

const SEARCH_DELAY_MS = 250;

/**
 * Share: explicitly gives one named person access to this item. For a guest of another space that
 * means this one item (view and comment) and nothing else of the space.
 */
export function WorkItemShare({ spaceKey, number, itemKey, shares, search, share, unshare }: Props) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [candidates, setCandidates] = useState<Person[]>([]);
  const [chosen, setChosen] = useState<Person | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();

  useEffect(() => {
    if (!open) return;
    let current = true;
    const timer = setTimeout(async () => {
      const result = await search({ spaceKey, number, query });
      if (!current) return;
      if (result.ok) setCandidates(result.data);
      else setMessage({ ok: false, text: result.message });
    }, SEARCH_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // `shares` changes after a share or unshare; searching again drops people just shared with.
  }, [open, query, spaceKey, number, search, shares]);

  const run = (call: () => Promise<Result<string>>, after?: () => void) =>
    start(async () => {
      setMessage(null);
      const result = await call();
      if (!result.ok) return setMessage({ ok: false, text: result.message });
      setMessage({ ok: true, text: result.data });
      after?.();
      router.refresh();
    });

  return (
    <>
      <Button onClick={() => { setMessage(null); setChosen(null); setQuery(''); setOpen(true); }}>Share</Button>
      <Modal open={open} title={`Share ${itemKey}`} onClose={() => setOpen(false)}>
        <p className="mb-4 text-text-subtle">
          The person can open and comment on this work item, even if they can’t see the rest of its space.
        </p>
        <label htmlFor="share-query" className="mb-1 block text-xs font-semibold text-text-subtle">Name or email</label>
        <input id="share-query" type="search" value={query} maxLength={100} autoComplete="off"
          onChange={(e) => { setQuery(e.target.value); setChosen(null); }}
          className="w-full rounded border border-border bg-surface px-2 py-1.5" placeholder="Search people on this site" />
        <ul aria-label="People" className="mt-2 max-h-56 overflow-y-auto">
          {candidates.map((person) => (
            <li key={person.id}>
              <button type="button" aria-pressed={chosen?.id === person.id} onClick={() => setChosen(person)}
                className={`flex w-full items-center gap-2 rounded px-2 py-1.5 text-left hover:bg-hovered ${chosen?.id === person.id ? 'bg-selected' : ''}`}>
                <Avatar name={person.name} />
                <span>{person.name} <span className="text-text-subtlest">{person.email}</span></span>
              </button>
            </li>
          ))}
          {candidates.length === 0 ? <li className="px-2 py-1.5 text-text-subtlest">No matching people.</li> : null}
        </ul>
        {message ? (
          <p role={message.ok ? 'status' : 'alert'} className={`mt-3 ${message.ok ? 'text-text-success' : 'text-text-danger'}`}>{message.text}</p>
        ) : null}
        <div className="mt-4 flex justify-end gap-2">
          <Button appearance="subtle" onClick={() => setOpen(false)} disabled={pending}>Close</Button>
          <Button appearance="primary" disabled={pending || !chosen}
            onClick={() => chosen && run(() => share({ spaceKey, number, userId: chosen.id }), () => setChosen(null))}>
            Share
          </Button>
        </div>

        <h3 className="mt-6 mb-2 font-semibold">Shared with</h3>
        {shares.length === 0 ? (
          <p className="text-text-subtle">Not shared with anyone.</p>
        ) : (
          <ul aria-label="Shared with" className="space-y-1">
            {shares.map((person) => (
              <li key={person.id} className="flex items-center gap-2">
                <Avatar name={person.name} />
                <span className="flex-1">{person.name} <span className="text-text-subtlest">{person.email}</span></span>
                <Button appearance="subtle" disabled={pending} aria-label={`Unshare with ${person.name}`}
                  onClick={() => run(() => unshare({ spaceKey, number, userId: person.id }))}>
                  Unshare
                </Button>
              </li>
            ))}
          </ul>
        )}
      </Modal>
    </>
  );
}
