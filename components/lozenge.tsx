export type LozengeTone = 'default' | 'success' | 'information' | 'warning' | 'danger' | 'discovery';

/** Atlassian's lozenge; its look is the .lozenge classes in globals.css (it repeats on every list row). */
export function Lozenge({ children, tone = 'default' }: { children: React.ReactNode; tone?: LozengeTone }) {
  return <span className={`lozenge lozenge-${tone}`}>{children}</span>;
}
