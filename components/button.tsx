import type { ButtonHTMLAttributes } from 'react';

const APPEARANCE = {
  primary: 'bg-brand text-white hover:bg-brand-hovered',
  default: 'bg-neutral text-text hover:bg-neutral-hovered',
  subtle: 'bg-transparent text-text-subtle hover:bg-neutral',
  danger: 'bg-danger text-white hover:opacity-90',
  link: 'bg-transparent text-link hover:underline px-0',
} as const;

export type Appearance = keyof typeof APPEARANCE;

export function buttonClass(appearance: Appearance = 'default') {
  return `inline-flex items-center gap-1 rounded-[3px] px-3 py-1.5 font-medium disabled:cursor-not-allowed disabled:opacity-50 ${APPEARANCE[appearance]}`;
}

export function Button({ appearance = 'default', className = '', ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { appearance?: Appearance }) {
  return <button type="button" {...props} className={`${buttonClass(appearance)} ${className}`} />;
}
