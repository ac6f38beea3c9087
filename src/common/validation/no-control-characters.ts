import { Matches } from 'class-validator';

/**
 * Refuses control characters in free text (PostgreSQL cannot store NUL at all; the rest have no
 * place in a name). Tab, line feed and carriage return stay allowed for multi-line text.
 */
export const NoControlCharacters = (field: string) =>
  Matches(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/, {
    message: `${field} must not contain control characters`,
  });
