'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/actions';
import { prisma } from '@/lib/db/client';
import { canManageOwnApiTokens, createApiToken, CreateApiTokenInput, revokeApiToken, RevokeApiTokenInput } from '@/lib/api-tokens';

const PATH = '/account/security/api-tokens';

/** Shown once, in the browser of the person who created it; never stored or logged in the clear. */
export type NewApiToken = { name: string; token: string; expiresAt: string };

export const createApiTokenAction = defineAction({
  input: CreateApiTokenInput,
  permission: canManageOwnApiTokens,
  run: async (input, { viewer, audit }): Promise<NewApiToken> => {
    const created = await createApiToken(prisma, viewer, input, audit);
    revalidatePath(PATH);
    return { name: created.name, token: created.token, expiresAt: created.expiresAt.toISOString() };
  },
});

export const revokeApiTokenAction = defineAction({
  input: RevokeApiTokenInput,
  permission: canManageOwnApiTokens,
  run: async ({ tokenId }, { viewer, audit }) => {
    const { name } = await revokeApiToken(prisma, viewer, tokenId, audit);
    revalidatePath(PATH);
    return `${name} was revoked.`;
  },
});
