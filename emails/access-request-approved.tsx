/** @jsxRuntime automatic */
import { Button, Section, Text } from '@react-email/components';
import { EmailLayout, ROLE_LABEL, styles, type RoleKey } from './layout';

export type AccessRequestApprovedEmailProps = {
  siteName: string;
  role: RoleKey;
  approverName: string;
  siteUrl: string;
};

export function accessRequestApprovedSubject({ siteName }: Pick<AccessRequestApprovedEmailProps, 'siteName'>): string {
  return `Your request to join ${siteName} was approved`;
}

export default function AccessRequestApprovedEmail({ siteName, role, approverName, siteUrl }: AccessRequestApprovedEmailProps) {
  return (
    <EmailLayout
      preview={`${approverName} approved your request to join ${siteName}`}
      footer={<Text style={styles.subtle}>You received this email because you asked for access to {siteName}.</Text>}
    >
      <Text style={styles.heading}>{accessRequestApprovedSubject({ siteName })}</Text>
      <Text style={styles.text}>
        {approverName} approved your request. You can now use <strong>{siteName}</strong> with the <strong>{ROLE_LABEL[role]}</strong>{' '}
        role.
      </Text>
      <Section style={{ margin: '8px 0 24px' }}>
        <Button href={siteUrl} style={styles.button}>
          Go to {siteName}
        </Button>
      </Section>
    </EmailLayout>
  );
}
