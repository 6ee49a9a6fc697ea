'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { defineAction } from '@/lib/actions';
import { prisma } from '@/lib/db/client';
import { requestAccess, MAX_REQUEST_NOTE } from '@/lib/requests/access-requests';

export const requestAccessAction = defineAction({
  input: z.object({
    note: z
      .string()
      .max(MAX_REQUEST_NOTE, `Keep your note under ${MAX_REQUEST_NOTE} characters.`)
      .optional()
      .transform((v) => v?.trim() || null),
  }),
  // Only people signed in without access to this site may ask.
  permission: (viewer) => viewer.siteAccess === null,
  run: async ({ note }, { viewer }) => {
    await requestAccess(prisma, viewer, note);
    revalidatePath('/request-access');
    return 'Request sent. A site admin will review it; you’ll get an email either way.';
  },
});
