/** @jsxRuntime automatic */
import { Section, Text } from '@react-email/components';
import { EmailLayout, QuotedText, styles } from './layout';

export type AccessRequestDeniedEmailProps = {
  siteName: string;
  deciderName: string;
  message: string | null;
};

export function accessRequestDeniedSubject({ siteName }: Pick<AccessRequestDeniedEmailProps, 'siteName'>): string {
  return `Your request to join ${siteName} was declined`;
}

export default function AccessRequestDeniedEmail({ siteName, deciderName, message }: AccessRequestDeniedEmailProps) {
  return (
    <EmailLayout
      preview={`${deciderName} declined your request to join ${siteName}`}
      footer={<Text style={styles.subtle}>You received this email because you asked for access to {siteName}.</Text>}
    >
      <Text style={styles.heading}>{accessRequestDeniedSubject({ siteName })}</Text>
      <Text style={styles.text}>
        {deciderName} declined your request to join <strong>{siteName}</strong>.
      </Text>
      {message ? (
        <Section>
          <Text style={styles.quoteLabel}>{deciderName} wrote:</Text>
          <QuotedText>{message}</QuotedText>
        </Section>
      ) : null}
      <Text style={styles.text}>If you think this is a mistake, contact an administrator of {siteName}.</Text>
    </EmailLayout>
  );
}
