'use server';

import { revalidatePath } from 'next/cache';
import { defineAction } from '@/lib/actions';
import { prisma } from '@/lib/db/client';
import {
  addComment,
  assignWorkItem,
  createWorkItem,
  shareWorkItem,
  transitionWorkItem,
  unshareWorkItem,
  updateWorkItem,
} from '@/lib/work-items/commands';
import { shareCandidates } from '@/lib/work-items/queries';
import {
  AssignInput,
  CommentInput,
  CreateWorkItemInput,
  itemPath,
  ShareInput,
  ShareSearchInput,
  TransitionInput,
  UpdateWorkItemInput,
} from '@/lib/work-items/schema';

// Each action only passes the viewer and the parsed input on: the lib/work-items function
// resolves the item on the viewer's site and asks the policy itself.

function refresh(spaceKey: string, number?: number) {
  revalidatePath(`/spaces/${spaceKey}`);
  if (number !== undefined) revalidatePath(itemPath(spaceKey, number));
}

export const createWorkItemAction = defineAction({
  input: CreateWorkItemInput,
  permission: 'jira.use',
  run: async (input, { viewer }) => {
    const created = await createWorkItem(prisma, viewer, input);
    refresh(input.spaceKey);
    return { key: created.key, href: itemPath(input.spaceKey, created.number) };
  },
});

export const updateWorkItemAction = defineAction({
  input: UpdateWorkItemInput,
  permission: 'jira.use',
  run: async (input, { viewer }) => {
    await updateWorkItem(prisma, viewer, input);
    refresh(input.spaceKey, input.number);
    return 'Saved.';
  },
});

export const transitionWorkItemAction = defineAction({
  input: TransitionInput,
  permission: 'jira.use',
  run: async (input, { viewer }) => {
    await transitionWorkItem(prisma, viewer, input);
    refresh(input.spaceKey, input.number);
    return 'Status changed.';
  },
});

export const assignWorkItemAction = defineAction({
  input: AssignInput,
  permission: 'jira.use',
  run: async (input, { viewer }) => {
    const { assignee } = await assignWorkItem(prisma, viewer, input);
    refresh(input.spaceKey, input.number);
    return assignee ? `Assigned to ${assignee.name}.` : 'Unassigned.';
  },
});

export const addCommentAction = defineAction({
  input: CommentInput,
  permission: 'jira.use',
  run: async (input, { viewer }) => {
    await addComment(prisma, viewer, input);
    refresh(input.spaceKey, input.number);
    return 'Comment added.';
  },
});

export const searchShareCandidatesAction = defineAction({
  input: ShareSearchInput,
  permission: 'jira.use',
  run: (input, { viewer }) => shareCandidates(prisma, viewer, input),
});

export const shareWorkItemAction = defineAction({
  input: ShareInput,
  permission: 'jira.use',
  run: async (input, { viewer, audit }) => {
    const { sharedWith, created } = await shareWorkItem(prisma, viewer, input, audit);
    refresh(input.spaceKey, input.number);
    return created ? `Shared with ${sharedWith.name}.` : `Already shared with ${sharedWith.name}.`;
  },
});

export const unshareWorkItemAction = defineAction({
  input: ShareInput,
  permission: 'jira.use',
  run: async (input, { viewer, audit }) => {
    await unshareWorkItem(prisma, viewer, input, audit);
    refresh(input.spaceKey, input.number);
    return 'No longer shared.';
  },
});
