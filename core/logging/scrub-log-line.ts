/**
 * The last pass over every serialized log line: values shaped like personal data or credentials
 * are censored whatever key carries them, including inside messages and error text, where key
 * redaction cannot look. It runs on the JSON text, so every pattern stays inside a JSON string
 * (no quote or backslash is matched) and never starts right after a backslash, keeping the line
 * valid JSON. Each pattern is bounded, so a huge line costs linear time.
 */
const censored = '[redacted]';

/** A character right before a match that cannot be part of the same word, or a JSON escape (`\n`). */
const wordStart = String.raw`(?:(?<=\\[nrtbf])|(?<![A-Za-z0-9\\]))`;

const patterns: Array<[RegExp, (match: string, ...groups: string[]) => string]> = [
  // `Bearer <credential>`, whatever the credential looks like.
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]{1,4096}/gi, (_match, prefix) => `${prefix}${censored}`],
  // Passwords in connection strings: scheme://user:password@host.
  [/([A-Za-z][A-Za-z0-9+.-]{0,20}:\/\/[^\s:/@"\\]{1,256}:)[^\s@"\\]{1,256}@/g, (_match, head) => `${head}${censored}@`],
  // Our credentials and providers': admin and API keys, login and refresh tokens, Stripe keys, webhook secrets.
  [new RegExp(`${wordStart}(?:adm|ck|lt|rt|sk|rk|whsec)_[A-Za-z0-9_+/=-]{6,4096}`, 'g'), () => censored],
  // Chat platform credentials: Telegram bot tokens (also inside API URLs), Slack tokens, Discord bot tokens.
  [/(?<![0-9])[0-9]{6,12}:[A-Za-z0-9_-]{30,64}/g, () => censored],
  [new RegExp(`${wordStart}(?:xox[abposr]|xapp)-[A-Za-z0-9-]{10,4096}`, 'g'), () => censored],
  [new RegExp(`${wordStart}[MNO][A-Za-z0-9_-]{23,27}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,40}`, 'g'), () => censored],
  // JWTs and our signed links (both start with base64url JSON: `eyJ`).
  [
    new RegExp(`${wordStart}eyJ[A-Za-z0-9_-]{1,4096}\\.[A-Za-z0-9_-]{1,4096}(?:\\.[A-Za-z0-9_-]{0,4096})?`, 'g'),
    () => censored,
  ],
  // Email addresses (the local part is at most 64 characters, which also bounds the scan).
  [/(?<!\\)[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}/g, () => censored],
  // Card numbers: 13 to 19 digits, spaced or not, that pass the Luhn check (ids and timestamps mostly do not).
  [
    /(?<![0-9])(?:[0-9][ -]?){12,18}[0-9](?![0-9])/g,
    (match) => (luhnValid(match.replace(/[^0-9]/g, '')) ? censored : match),
  ],
];

export function scrubLogLine(line: string): string {
  let scrubbed = line;
  for (const [pattern, replace] of patterns) scrubbed = scrubbed.replace(pattern, replace);
  return scrubbed;
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = digits.charCodeAt(digits.length - 1 - index) - 48;
    if (index % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}
