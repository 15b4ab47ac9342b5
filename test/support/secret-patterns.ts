/** Shapes of secret values that must never appear in a log line. */
export const SECRET_PATTERNS: Array<[string, RegExp]> = [
  ['API token', /smk_[A-Za-z0-9_-]{20,}/],
  ['refresh token', /smr_[A-Za-z0-9_-]{20,}/],
  ['gateway token', /smg_[A-Za-z0-9_-]{20,}/],
  ['JWT', /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}/],
  ['test password', /correct-horse-/],
  ['test secret value', /s3cr3t-value-/],
];

export function findSecrets(text: string): string[] {
  return SECRET_PATTERNS.filter(([, pattern]) => pattern.test(text)).map(([name]) => name);
}
