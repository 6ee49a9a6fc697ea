/** Seven colours (.avatar-c0 … .avatar-c6 in globals.css), picked by the name so a person keeps theirs. */
const COLOURS = 7;
export type AvatarSize = 20 | 24 | 28 | 32 | 48 | 64;
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? parts[parts.length - 1][0] : '')).toUpperCase();
}

export function Avatar({ name, size = 24 }: { name: string; size?: AvatarSize }) {
  const colour = [...name].reduce((sum, ch) => sum + ch.charCodeAt(0), 0) % COLOURS;
  return (
    <span aria-hidden="true" className={`avatar avatar-${size} avatar-c${colour}`}>
      {initials(name)}
    </span>
  );
}
