'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/actions';
import { prisma } from '@/lib/db/client';
import { createOrgApiKey, CreateOrgApiKeyInput, revokeOrgApiKey, RevokeOrgApiKeyInput } from '@/lib/org-api/keys';

const PATH = '/admin/api-keys';

/** Shown once, in the browser of the site admin who created it; never stored or logged in the clear. */
export type NewOrgApiKey = { name: string; key: string; expiresAt: string };

export const createOrgApiKeyAction = defineAction({
  input: CreateOrgApiKeyInput,
  permission: 'admin.users.manage',
  run: async (input, { viewer, audit }): Promise<NewOrgApiKey> => {
    const created = await createOrgApiKey(prisma, viewer, input, audit);
    revalidatePath(PATH);
    return { name: created.name, key: created.key, expiresAt: created.expiresAt.toISOString() };
  },
});

export const revokeOrgApiKeyAction = defineAction({
  input: RevokeOrgApiKeyInput,
  permission: 'admin.users.manage',
  run: async ({ keyId }, { viewer, audit }) => {
    const { name } = await revokeOrgApiKey(prisma, viewer, keyId, audit);
    revalidatePath(PATH);
    return `${name} was revoked.`;
  },
});
