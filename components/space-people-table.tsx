'use client';

import type { SpacePersonRow } from '@/lib/spaces/people';
import type { SpaceRoleName } from '@/lib/access/permissions';
import type { Result } from '@/lib/result';
import { Avatar } from './avatar';
import { Lozenge } from './lozenge';
import { SpacePeopleRoleSelect } from './space-people-role-select';
import { SpacePeopleRemove } from './space-people-remove';

type Props = {
  spaceKey: string;
  spaceName: string;
  people: SpacePersonRow[];
  emptyMessage: string;
  changeRole: (input: { spaceKey: string; userId: string; role: SpaceRoleName }) => Promise<Result<string>>;
  remove: (input: { spaceKey: string; userId: string }) => Promise<Result<string>>;
};

/**
 * Space settings → People: one dense row per person, role editable in place, Remove at the end.
 * A client component as a whole: the page carries the people once, as records, instead of each
 * row's rendered tree plus every row control's own copy of the person (see users-table-body.tsx).
 */
export function SpacePeopleTable({ spaceKey, spaceName, people, emptyMessage, changeRole, remove }: Props) {
  return (
    <table className="dense-table w-full text-left [&_td]:align-top">
      <caption className="sr-only">People in {spaceName} and their roles</caption>
      <thead className="border-b-2 border-border text-xs text-text-subtle">
        <tr>
          <th scope="col" className="px-2 py-2 font-semibold">Name</th>
          <th scope="col" className="px-2 py-2 font-semibold">Email</th>
          <th scope="col" className="px-2 py-2 font-semibold">Role</th>
          <th scope="col" className="px-2 py-2 font-semibold"><span className="sr-only">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        {people.length === 0 ? (
          <tr>
            <td colSpan={4} className="py-8! text-center text-text-subtle">{emptyMessage}</td>
          </tr>
        ) : (
          people.map((person) => (
            <tr key={person.userId}>
              <td>
                <div className="person">
                  <Avatar name={person.name} size={24} />
                  <span className={`font-medium ${person.suspended ? 'text-text-subtle' : ''}`}>{person.name}</span>
                  {person.siteGuest ? <Lozenge tone="discovery">Guest</Lozenge> : null}
                  {person.suspended ? <Lozenge tone="danger">Suspended</Lozenge> : null}
                </div>
              </td>
              <td className="subtle">{person.email}</td>
              <td>
                <SpacePeopleRoleSelect spaceKey={spaceKey} person={person} action={changeRole} />
                {person.lastAdministrator ? <p className="mt-1 text-xs text-text-subtlest">The only Administrator</p> : null}
              </td>
              <td className="text-right">
                <SpacePeopleRemove spaceKey={spaceKey} spaceName={spaceName} person={person} action={remove} />
              </td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}
