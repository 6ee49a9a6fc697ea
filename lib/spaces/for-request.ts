import 'server-only';
import { cache } from 'react';
import { prisma } from '../db/client';
import type { Viewer } from '../access/policy';
import { findSpaceForViewer } from './queries';

/**
 * findSpaceForViewer once per request: the space layout and the page below it both need the
 * space (each checks access itself), and React's request cache lets them share one query.
 */
export const spaceForRequest = cache((viewer: Viewer, key: string) => findSpaceForViewer(prisma, viewer, key));
