/** @jsxRuntime automatic */
import { Text } from '@react-email/components';
import { EmailLayout, styles } from './layout';

export type EmailPasscodeEmailProps = {
  name: string;
  siteName: string;
  /** Six digits. */
  code: string;
  /** Minutes the code stays valid. */
  validMinutes: number;
};

export function emailPasscodeSubject({ code }: Pick<EmailPasscodeEmailProps, 'code'>): string {
  return `${code} is your Portico verification code`;
}

const codeStyle = { fontSize: '28px', lineHeight: '36px', fontWeight: 700, letterSpacing: '6px', color: '#292a2e', margin: '0 0 16px' };

/** The one-time passcode an external user enters to verify their identity (two-step verification). */
export default function EmailPasscodeEmail({ name, siteName, code, validMinutes }: EmailPasscodeEmailProps) {
  return (
    <EmailLayout
      preview={`Your verification code for ${siteName}`}
      footer={
        <Text style={styles.subtle}>
          You received this email because someone signed in to {siteName} with your account and your organization requires a one-time passcode. If it
          wasn’t you, change your password.
        </Text>
      }
    >
      <Text style={styles.heading}>Verify your identity</Text>
      <Text style={styles.text}>Hi {name}, enter this code to continue to {siteName}:</Text>
      <Text style={codeStyle}>{code}</Text>
      <Text style={styles.text}>The code works once and expires in {validMinutes} minutes. Never share it with anyone.</Text>
    </EmailLayout>
  );
}
