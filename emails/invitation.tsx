/** @jsxRuntime automatic */
import { Button, Link, Section, Text } from '@react-email/components';
import { EmailLayout, QuotedText, ROLE_LABEL, formatLongDate, styles, type RoleKey } from './layout';

export type InvitationEmailProps = {
  inviterName: string;
  siteName: string;
  role: RoleKey;
  personalMessage: string | null;
  acceptUrl: string;
  expiresAt: Date;
};

export function invitationSubject({ inviterName, siteName }: Pick<InvitationEmailProps, 'inviterName' | 'siteName'>): string {
  return `${inviterName} invited you to join ${siteName}`;
}

export default function InvitationEmail({ inviterName, siteName, role, personalMessage, acceptUrl, expiresAt }: InvitationEmailProps) {
  const expires = formatLongDate(expiresAt);
  return (
    <EmailLayout
      preview={`${inviterName} invited you to join ${siteName} as a ${ROLE_LABEL[role]}`}
      footer={
        <Text style={styles.subtle}>
          You received this email because {inviterName} invited you to {siteName}. If you weren&apos;t expecting it, you can ignore
          this email: nothing happens unless you accept.
        </Text>
      }
    >
      <Text style={styles.heading}>{invitationSubject({ inviterName, siteName })}</Text>
      <Text style={styles.text}>
        {inviterName} has invited you to collaborate on <strong>{siteName}</strong> with the <strong>{ROLE_LABEL[role]}</strong> role.
      </Text>
      {personalMessage ? (
        <Section>
          <Text style={styles.quoteLabel}>{inviterName} wrote:</Text>
          <QuotedText>{personalMessage}</QuotedText>
        </Section>
      ) : null}
      <Section style={{ margin: '8px 0 24px' }}>
        <Button href={acceptUrl} style={styles.button}>
          Accept invite
        </Button>
      </Section>
      <Text style={styles.text}>This invitation expires on {expires}.</Text>
      <Text style={styles.subtle}>
        If the button doesn&apos;t work, copy this link into your browser:{' '}
        <Link href={acceptUrl} style={styles.link}>
          {acceptUrl}
        </Link>
      </Text>
    </EmailLayout>
  );
}
