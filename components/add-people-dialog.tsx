'use client';

import { useRouter } from 'next/navigation';
import { useId, useRef, useState, useTransition } from 'react';
import { normalizeEmail } from '@/lib/email-address';
import { MAX_ACCESS_REQUEST_NOTE, MAX_PEOPLE_PER_ADD, MAX_PICKER_QUERY, SPACE_ROLE_LABELS, SPACE_ROLES, type SpaceRoleName } from '@/lib/spaces/people.rules';
import type { AddPersonResult, PickerPerson } from '@/lib/spaces/people';
import type { Result } from '@/lib/result';
import { Avatar } from './avatar';
import { Button, buttonClass } from './button';
import { Lozenge } from './lozenge';
import { Modal } from './modal';

type Props = {
  spaceKey: string;
  spaceName: string;
  search: (input: { spaceKey: string; query: string }) => Promise<Result<PickerPerson[]>>;
  add: (input: { spaceKey: string; emails: string[]; role: SpaceRoleName }) => Promise<Result<AddPersonResult[]>>;
  requestAccess: (input: { spaceKey: string; email: string; note: string }) => Promise<Result<string>>;
};

/** Add people (top right of Space settings → People) and its modal dialog. */
export function AddPeopleDialog(props: Props) {
  const trigger = useRef<HTMLButtonElement>(null);
  const [open, setOpen] = useState(false);
  const close = () => {
    setOpen(false);
    trigger.current?.focus();
  };
  return (
    <>
      <button ref={trigger} type="button" className={buttonClass('primary')} onClick={() => setOpen(true)}>
        Add people
      </button>
      {/* Mounted only while open, so every opening starts with an empty form and no old results. */}
      {open ? (
        <Modal open title="Add people" onClose={close}>
          <AddPeopleForm {...props} onClose={close} />
        </Modal>
      ) : null}
    </>
  );
}

type Chip = { email: string; name: string | null; siteGuest: boolean };

const RESULT_LOOK: Record<AddPersonResult['outcome'], { label: string; tone: 'success' | 'default' | 'danger' | 'warning' }> = {
  ADDED: { label: 'Added', tone: 'success' },
  ALREADY_IN_SPACE: { label: 'No change', tone: 'default' },
  REFUSED: { label: 'Not added', tone: 'danger' },
  NOT_ON_SITE: { label: 'Not on site', tone: 'warning' },
};

const SEPARATORS = /[\s,;]+/;

function AddPeopleForm({ spaceKey, spaceName, search, add, requestAccess, onClose }: Props & { onClose: () => void }) {
  const router = useRouter();
  const id = useId();
  const [chips, setChips] = useState<Chip[]>([]);
  const [text, setText] = useState('');
  const [suggestions, setSuggestions] = useState<PickerPerson[]>([]);
  const [active, setActive] = useState(-1);
  const [role, setRole] = useState<SpaceRoleName>('MEMBER');
  const [inputError, setInputError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [results, setResults] = useState<AddPersonResult[] | null>(null);
  const [pending, start] = useTransition();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // Only the answer to the latest keystroke may fill the list; earlier ones can arrive later.
  const latest = useRef(0);
  const input = useRef<HTMLInputElement>(null);

  const listboxId = `${id}-people`;
  const optionId = (index: number) => `${id}-person-${index}`;
  const chosen = new Set(chips.map((c) => c.email));
  const offered = suggestions.filter((s) => !chosen.has(s.email));
  const expanded = text.trim() !== '' && offered.length > 0;

  const lookUp = (value: string) => {
    clearTimeout(timer.current);
    const query = value.trim().slice(0, MAX_PICKER_QUERY);
    const ticket = ++latest.current;
    if (!query) {
      setSuggestions([]);
      setActive(-1);
      return;
    }
    timer.current = setTimeout(async () => {
      const result = await search({ spaceKey, query });
      if (ticket !== latest.current) return;
      setSuggestions(result.ok ? result.data : []);
      setActive(-1);
    }, 200);
  };

  const addChips = (next: Chip[]) => {
    setChips((current) => {
      const merged = [...current];
      for (const chip of next) if (!merged.some((c) => c.email === chip.email)) merged.push(chip);
      return merged;
    });
  };

  const pick = (person: PickerPerson) => {
    if (person.spaceRole) return;
    addChips([{ email: person.email, name: person.name, siteGuest: person.siteGuest }]);
    setText('');
    lookUp('');
    setInputError(null);
    input.current?.focus();
  };

  /** Typed text → chips; returns false (and says why) when something typed isn't an address. */
  const commitText = (value = text): boolean => {
    const pieces = value.split(SEPARATORS).filter(Boolean);
    if (pieces.length === 0) return true;
    const invalid = pieces.filter((piece) => !normalizeEmail(piece));
    addChips(pieces.map((piece) => normalizeEmail(piece)).filter((e): e is string => !!e).map((email) => ({ email, name: null, siteGuest: false })));
    setText(invalid.join(' '));
    lookUp('');
    setInputError(invalid.length ? `${invalid[0].slice(0, 80)} isn't an email address. Pick someone from the list or type their email.` : null);
    return invalid.length === 0;
  };

  const submit = () => {
    setError(null);
    if (!commitText()) return;
    const pendingEmails = text.split(SEPARATORS).map((piece) => normalizeEmail(piece)).filter((e): e is string => !!e);
    const emails = [...new Set([...chips.map((c) => c.email), ...pendingEmails])];
    if (emails.length === 0) return setInputError('Add at least one person.');
    start(async () => {
      const result = await add({ spaceKey, emails, role });
      if (!result.ok) return setError(result.message);
      setResults(result.data);
      setChips([]);
      if (result.data.some((row) => row.outcome === 'ADDED')) router.refresh();
    });
  };

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <p className="mb-4 text-text-subtle">Add people who are already on this site to {spaceName}. Someone new needs a site admin to invite them first.</p>

      <label htmlFor={`${id}-input`} className="mb-1 block text-xs font-semibold text-text-subtle">Names or emails</label>
      <div className="rounded border border-border px-1 py-1 focus-within:outline-2 focus-within:outline-focus">
        {chips.length ? (
          <ul aria-label="People to add" className="mb-1 flex flex-wrap gap-1">
            {chips.map((chip) => {
              const label = chip.name ?? chip.email;
              return (
                <li key={chip.email} className="flex items-center gap-1 rounded-full bg-neutral py-0.5 pr-1 pl-0.5 text-xs">
                  <Avatar name={label} size={20} />
                  <span title={chip.email}>{label}</span>
                  {chip.siteGuest ? <Lozenge tone="discovery">Guest</Lozenge> : null}
                  <button type="button" aria-label={`Don’t add ${label}`} onClick={() => setChips((current) => current.filter((c) => c.email !== chip.email))}
                    className="flex h-4 w-4 items-center justify-center rounded-full hover:bg-neutral-hovered">
                    <span aria-hidden="true">×</span>
                  </button>
                </li>
              );
            })}
          </ul>
        ) : null}
        <input
          ref={input}
          id={`${id}-input`}
          type="text"
          role="combobox"
          autoComplete="off"
          autoFocus
          maxLength={2000}
          value={text}
          placeholder="Start typing a name or email"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listboxId}
          aria-activedescendant={expanded && active >= 0 ? optionId(active) : undefined}
          aria-describedby={inputError ? `${id}-input-error` : `${id}-input-help`}
          aria-invalid={inputError ? true : undefined}
          onChange={(event) => {
            setText(event.target.value);
            setInputError(null);
            lookUp(event.target.value);
          }}
          onPaste={(event) => {
            const pasted = event.clipboardData.getData('text');
            if (!SEPARATORS.test(pasted.trim())) return;
            event.preventDefault();
            commitText(`${text} ${pasted}`);
          }}
          onKeyDown={(event) => {
            if (event.key === 'ArrowDown' && offered.length) {
              event.preventDefault();
              setActive((i) => (i + 1) % offered.length);
            } else if (event.key === 'ArrowUp' && offered.length) {
              event.preventDefault();
              setActive((i) => (i <= 0 ? offered.length - 1 : i - 1));
            } else if (event.key === 'Enter' || event.key === ',' || event.key === ';') {
              if (event.key === 'Enter' && expanded && active >= 0) {
                event.preventDefault();
                pick(offered[active]);
              } else if (text.trim()) {
                event.preventDefault();
                commitText();
              }
            } else if (event.key === 'Escape' && expanded) {
              // Close the list, not the dialog.
              event.preventDefault();
              event.stopPropagation();
              setSuggestions([]);
            } else if (event.key === 'Backspace' && !text && chips.length) {
              setChips((current) => current.slice(0, -1));
            }
          }}
          className="w-full min-w-40 px-1 py-1 outline-none"
        />
      </div>
      {expanded ? (
        <ul id={listboxId} role="listbox" aria-label="People on this site" className="mt-1 max-h-64 overflow-auto rounded border border-border bg-surface py-1 shadow-lg">
          {offered.map((person, index) => (
            <li
              key={person.userId}
              id={optionId(index)}
              role="option"
              aria-selected={index === active}
              aria-disabled={person.spaceRole ? true : undefined}
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => pick(person)}
              onMouseEnter={() => setActive(index)}
              className={`flex items-center gap-2 px-2 py-1.5 ${index === active ? 'bg-selected' : ''} ${person.spaceRole ? 'cursor-not-allowed text-text-subtlest' : 'cursor-pointer'}`}
            >
              <Avatar name={person.name} size={24} />
              <span className="flex-1">
                <span className="block font-medium">{person.name} {person.siteGuest ? <Lozenge tone="discovery">Guest</Lozenge> : null}</span>
                <span className="block text-xs text-text-subtle">{person.email}</span>
              </span>
              {person.spaceRole ? <span className="text-xs">Already in this space</span> : null}
            </li>
          ))}
        </ul>
      ) : (
        <div id={listboxId} role="listbox" aria-label="People on this site" hidden />
      )}
      {inputError ? (
        <p id={`${id}-input-error`} role="alert" className="mt-1 text-text-danger">{inputError}</p>
      ) : (
        <p id={`${id}-input-help`} className="mt-1 text-xs text-text-subtlest">
          Pick people on this site, or type email addresses. Up to {MAX_PEOPLE_PER_ADD} at a time.
        </p>
      )}

      <label htmlFor={`${id}-role`} className="mt-4 mb-1 block text-xs font-semibold text-text-subtle">Role</label>
      <select id={`${id}-role`} value={role} onChange={(event) => setRole(event.target.value as SpaceRoleName)} aria-describedby={`${id}-role-help`}
        className="rounded border border-border bg-surface px-2 py-1">
        {SPACE_ROLES.map((r) => <option key={r} value={r}>{SPACE_ROLE_LABELS[r]}</option>)}
      </select>
      <p id={`${id}-role-help`} className="mt-1 text-xs text-text-subtlest">Guests on this site can only have the Guest role, and only guests can have it.</p>

      {error ? <p role="alert" className="mt-4 rounded bg-danger-subtle px-3 py-2 text-text-danger">{error}</p> : null}

      <div aria-live="polite">
        {results ? (
          <ul aria-label="Results" className="mt-4 space-y-2 border-t border-border pt-3">
            {results.map((row) => (
              <li key={row.email}>
                <div className="flex items-start gap-2">
                  <Lozenge tone={RESULT_LOOK[row.outcome].tone}>{RESULT_LOOK[row.outcome].label}</Lozenge>
                  <p>
                    <span className="font-medium">{row.name ?? row.email}</span>
                    <span className="block text-text-subtle">{row.message}</span>
                  </p>
                </div>
                {row.outcome === 'NOT_ON_SITE' ? <RequestAccessFor spaceKey={spaceKey} email={row.email} requestAccess={requestAccess} /> : null}
              </li>
            ))}
          </ul>
        ) : null}
      </div>

      <div className="mt-6 flex justify-end gap-2">
        <Button appearance="subtle" onClick={onClose} disabled={pending}>{results ? 'Close' : 'Cancel'}</Button>
        <Button type="submit" appearance="primary" disabled={pending}>Add</Button>
      </div>
    </form>
  );
}

/** "Request access for them": asks site admins to give an address access, on the space admin's behalf. */
function RequestAccessFor({ spaceKey, email, requestAccess }: { spaceKey: string; email: string; requestAccess: Props['requestAccess'] }) {
  const id = useId();
  const [asking, setAsking] = useState(false);
  const [note, setNote] = useState('');
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();
  if (outcome?.ok) return <p role="status" className="mt-1 ml-2 text-text-success">{outcome.text}</p>;
  return (
    <div className="mt-1 ml-2">
      {asking ? (
        <div className="rounded border border-border p-2">
          <label htmlFor={`${id}-note`} className="mb-1 block text-xs font-semibold text-text-subtle">Note for site admins (optional)</label>
          <textarea id={`${id}-note`} value={note} onChange={(event) => setNote(event.target.value)} rows={2} maxLength={MAX_ACCESS_REQUEST_NOTE}
            placeholder={`Why ${email} needs access`} className="w-full rounded border border-border px-2 py-1" />
          <div className="mt-2 flex gap-2">
            <Button appearance="default" disabled={pending}
              onClick={() =>
                start(async () => {
                  const result = await requestAccess({ spaceKey, email, note });
                  setOutcome(result.ok ? { ok: true, text: result.data } : { ok: false, text: result.message });
                })
              }>
              Send request
            </Button>
            <Button appearance="subtle" disabled={pending} onClick={() => setAsking(false)}>Cancel</Button>
          </div>
        </div>
      ) : (
        <Button appearance="link" onClick={() => { setOutcome(null); setAsking(true); }} aria-label={`Request access for them: ${email}`}>
          Request access for them
        </Button>
      )}
      {outcome && !outcome.ok ? <p role="alert" className="mt-1 text-text-danger">{outcome.text}</p> : null}
    </div>
  );
}
