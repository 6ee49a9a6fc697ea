import { describe, expect, it } from 'vitest';
import { csvCell, csvRow } from '@/lib/csv';

describe('CSV cells (RFC 4180)', () => {
  it('leaves plain values alone and writes nothing for null and undefined', () => {
    expect(csvCell('Casey Jones')).toBe('Casey Jones');
    expect(csvCell('casey.jones@brightagency.io')).toBe('casey.jones@brightagency.io');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell('')).toBe('');
  });

  it('quotes cells holding a comma, a double quote or a line break, doubling the quotes', () => {
    expect(csvCell('Jones, Casey')).toBe('"Jones, Casey"');
    expect(csvCell('Casey "CJ" Jones')).toBe('"Casey ""CJ"" Jones"');
    expect(csvCell('line one\nline two')).toBe('"line one\nline two"');
    expect(csvCell('a\r\nb')).toBe('"a\r\nb"');
    expect(csvCell('"')).toBe('""""');
  });

  it('ends each record with CRLF', () => {
    expect(csvRow(['Name', 'Email', null, 'Jones, Casey'])).toBe('Name,Email,,"Jones, Casey"\r\n');
    expect(csvRow([])).toBe('\r\n');
  });
});

describe('CSV formula injection', () => {
  it('prefixes an apostrophe to cells starting with = + - @ tab or CR', () => {
    expect(csvCell('=1+2')).toBe("'=1+2");
    expect(csvCell('+49 30 1234')).toBe("'+49 30 1234");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1:A9)')).toBe("'@SUM(A1:A9)");
    expect(csvCell('\t=cmd')).toBe("'\t=cmd");
    // CR also forces quoting, which wraps the defused value.
    expect(csvCell('\r=cmd')).toBe('"\'\r=cmd"');
  });

  it('defuses before quoting, so a quoted formula is still inert', () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe('"\'=HYPERLINK(""http://evil"")"');
    expect(csvRow(['=HYPERLINK("http://evil")', 'evil@evil.example'])).toBe('"\'=HYPERLINK(""http://evil"")",evil@evil.example\r\n');
  });

  it('leaves the trigger characters alone anywhere but the start', () => {
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell('Anne-Marie')).toBe('Anne-Marie');
    expect(csvCell('ann@partner.io')).toBe('ann@partner.io');
    expect(csvCell(' =1')).toBe(' =1');
  });
});
