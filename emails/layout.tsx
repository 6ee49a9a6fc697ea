/** @jsxRuntime automatic */
// The pragma keeps these templates working when tsx runs without this repo's tsconfig.json
// (the worker started from another directory): its default is classic JSX, which needs React in scope.
// Shared frame and styles of Portico's emails, modelled on Atlassian's transactional emails:
// a plain white card, the product name on top, one blue call to action, a small grey footer.
// Inline styles only: most mail clients drop <style> blocks and ignore classes.
import { Fragment, type CSSProperties, type ReactNode } from 'react';
import { Body, Container, Head, Hr, Html, Preview, Section, Text } from '@react-email/components';

export const ROLE_LABEL = { GUEST: 'Guest', USER: 'User', ADMIN: 'Admin' } as const;
export type RoleKey = keyof typeof ROLE_LABEL;

const FONT = '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

export const styles = {
  heading: { fontSize: '20px', lineHeight: '24px', fontWeight: 600, color: '#292a2e', margin: '0 0 16px' },
  text: { fontSize: '14px', lineHeight: '20px', color: '#292a2e', margin: '0 0 16px' },
  subtle: { fontSize: '12px', lineHeight: '16px', color: '#6b6e76', margin: '0 0 8px' },
  button: {
    backgroundColor: '#1868db',
    borderRadius: '3px',
    color: '#ffffff',
    fontSize: '14px',
    fontWeight: 500,
    lineHeight: '20px',
    padding: '8px 16px',
    textDecoration: 'none',
    display: 'inline-block',
  },
  quoteLabel: { fontSize: '14px', lineHeight: '20px', color: '#505258', margin: '0 0 4px' },
  quote: {
    fontSize: '14px',
    lineHeight: '20px',
    color: '#292a2e',
    margin: '0 0 16px',
    padding: '8px 12px',
    borderLeft: '3px solid #dfe1e6',
    backgroundColor: '#f8f8f8',
  },
  link: { color: '#1868db', wordBreak: 'break-all' },
} satisfies Record<string, CSSProperties>;

/** "3 December 2026": the day the link stops working, in UTC like the rest of the product. */
export function formatLongDate(date: Date): string {
  return date.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/**
 * Someone's own words, line breaks kept as <br> (so the plain-text version keeps them too) and
 * everything else as escaped text: React escapes, nothing here is ever parsed as HTML.
 */
export function QuotedText({ children }: { children: string }) {
  const lines = children.split(/\r\n|\r|\n/);
  return (
    <Text style={styles.quote}>
      &ldquo;
      {lines.map((line, index) => (
        <Fragment key={index}>
          {index > 0 ? <br /> : null}
          {line}
        </Fragment>
      ))}
      &rdquo;
    </Text>
  );
}

export function EmailLayout({ preview, children, footer }: { preview: string; children: ReactNode; footer: ReactNode }) {
  return (
    <Html lang="en">
      <Head />
      <Preview>{preview}</Preview>
      <Body style={{ backgroundColor: '#f8f8f8', fontFamily: FONT, margin: 0, padding: '24px 0' }}>
        <Container style={{ backgroundColor: '#ffffff', border: '1px solid #dfe1e6', borderRadius: '3px', maxWidth: '520px', padding: '32px' }}>
          <Text style={{ fontSize: '16px', lineHeight: '20px', fontWeight: 700, color: '#1868db', margin: '0 0 24px' }}>Portico</Text>
          {children}
          <Hr style={{ borderColor: '#dfe1e6', margin: '24px 0 16px' }} />
          <Section>{footer}</Section>
        </Container>
      </Body>
    </Html>
  );
}
