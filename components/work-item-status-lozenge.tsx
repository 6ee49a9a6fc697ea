import { STATUS_LABELS, STATUS_TONES, type WorkItemStatusName } from '@/lib/work-items/schema';
import { Lozenge } from './lozenge';

export function WorkItemStatusLozenge({ status }: { status: WorkItemStatusName }) {
  return <Lozenge tone={STATUS_TONES[status]}>{STATUS_LABELS[status]}</Lozenge>;
}
