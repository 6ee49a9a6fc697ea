'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/actions';
import { prisma } from '@/lib/db/client';
import { SPACE_ROLE_LABELS } from '@/lib/access/permissions';
import { addPeople, changeSpaceRole, removeFromSpace, requestAccessFor, searchSitePeople } from '@/lib/spaces/people';
import { AddPeopleInput, ChangeSpaceRoleInput, RemoveFromSpaceInput, RequestAccessForInput, SearchSitePeopleInput } from '@/lib/spaces/people.schema';

// Every action is open to any signed-in person at the site level on purpose: whether they may
// manage this space's people depends on the space, so lib/spaces/people.ts looks the space up by
// its key on the viewer's site and asks the policy for 'administer' before anything else.
const anyone = () => true;

const peoplePath = (spaceKey: string) => `/spaces/${spaceKey}/settings/people`;

export const searchSitePeopleAction = defineAction({
  input: SearchSitePeopleInput,
  permission: anyone,
  run: ({ spaceKey, query }, { viewer }) => searchSitePeople(prisma, viewer, spaceKey, query),
});

export const addPeopleAction = defineAction({
  input: AddPeopleInput,
  permission: anyone,
  run: async ({ spaceKey, emails, role }, { viewer, audit }) => {
    const rows = await addPeople(prisma, viewer, spaceKey, { emails, role }, audit);
    if (rows.some((row) => row.outcome === 'ADDED')) revalidatePath(peoplePath(spaceKey));
    return rows;
  },
});

export const changeSpaceRoleAction = defineAction({
  input: ChangeSpaceRoleInput,
  permission: anyone,
  run: async ({ spaceKey, userId, role }, { viewer, audit }) => {
    const result = await changeSpaceRole(prisma, viewer, spaceKey, { userId, role }, audit);
    revalidatePath(peoplePath(spaceKey));
    return `${result.name} now has the ${SPACE_ROLE_LABELS[result.after]} role.`;
  },
});

export const removeFromSpaceAction = defineAction({
  input: RemoveFromSpaceInput,
  permission: anyone,
  run: async ({ spaceKey, userId }, { viewer, audit }) => {
    const result = await removeFromSpace(prisma, viewer, spaceKey, { userId }, audit);
    revalidatePath(peoplePath(spaceKey));
    return `${result.name} was removed from this space.`;
  },
});

export const requestAccessForAction = defineAction({
  input: RequestAccessForInput,
  permission: anyone,
  run: async ({ spaceKey, email, note }, { viewer, audit }) => {
    await requestAccessFor(prisma, viewer, spaceKey, { email, note }, audit);
    return `Access requested for ${email}. A site admin will review it.`;
  },
});
