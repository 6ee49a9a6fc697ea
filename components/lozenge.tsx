const TONES = {
  default: 'bg-neutral text-text-subtle',
  success: 'bg-success-subtle text-text-success',
  information: 'bg-information-subtle text-text-information',
  warning: 'bg-warning-subtle text-text-warning',
  danger: 'bg-danger-subtle text-text-danger',
  discovery: 'bg-discovery-subtle text-text-discovery',
} as const;

export function Lozenge({ children, tone = 'default' }: { children: React.ReactNode; tone?: keyof typeof TONES }) {
  return (
    <span className={`inline-block rounded-[3px] px-1 text-[11px] leading-4 font-bold uppercase whitespace-nowrap ${TONES[tone]}`}>
      {children}
    </span>
  );
}
