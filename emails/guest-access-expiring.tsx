/** @jsxRuntime automatic */
import { Button, Link, Section, Text } from '@react-email/components';
import { EmailLayout, formatLongDate, styles } from './layout';

export type GuestAccessExpiringEmailProps = {
  siteName: string;
  guestName: string;
  guestEmail: string;
  space: { key: string; name: string } | null;
  expiresAt: Date;
  profileUrl: string;
  /** Why the recipient gets this email. */
  reason: 'inviter' | 'admin';
};

export function guestAccessExpiringSubject({ guestName, siteName, expiresAt }: Pick<GuestAccessExpiringEmailProps, 'guestName' | 'siteName' | 'expiresAt'>): string {
  return `${guestName}'s guest access to ${siteName} expires on ${formatLongDate(expiresAt)}`;
}

export default function GuestAccessExpiringEmail({ siteName, guestName, guestEmail, space, expiresAt, profileUrl, reason }: GuestAccessExpiringEmailProps) {
  const date = formatLongDate(expiresAt);
  const spaceText = space ? `${space.name} (${space.key})` : null;
  return (
    <EmailLayout
      preview={`${guestName} (${guestEmail}) loses access to ${siteName} on ${date}`}
      footer={
        <Text style={styles.subtle}>
          You received this email because {reason === 'inviter' ? `you invited ${guestName} to ${siteName}` : `you are a site admin of ${siteName}`}.
        </Text>
      }
    >
      <Text style={styles.heading}>{guestAccessExpiringSubject({ guestName, siteName, expiresAt })}</Text>
      <Text style={styles.text}>
        The guest access of <strong>{guestName}</strong> ({guestEmail}) to {siteName} ends on <strong>{date}</strong>.
      </Text>
      <Text style={styles.text}>
        On that day they will be removed from {spaceText ? <strong>{spaceText}</strong> : 'their space'} and their access to {siteName} will be
        suspended. To keep them working with you, extend their access from their profile.
      </Text>
      <Section style={{ margin: '8px 0 24px' }}>
        <Button href={profileUrl} style={styles.button}>
          View profile
        </Button>
      </Section>
      <Text style={styles.subtle}>
        If the button doesn&apos;t work, copy this link into your browser:{' '}
        <Link href={profileUrl} style={styles.link}>
          {profileUrl}
        </Link>
      </Text>
    </EmailLayout>
  );
}
