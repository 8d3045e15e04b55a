/**
 * Match patterns for "this computer", used where the browser filters by pattern (the context menu).
 * Patterns ignore the port, so these cover every port. They cannot express 127.0.0.0/8 beyond
 * 127.0.0.1, so whoever acts on a match checks the URL again with the protocol's isLoopbackUrl,
 * which is the rule the host applies.
 */
export const LOOPBACK_MATCH_PATTERNS: readonly string[] = [
  'http://localhost/*',
  'https://localhost/*',
  'http://*.localhost/*',
  'https://*.localhost/*',
  'http://127.0.0.1/*',
  'https://127.0.0.1/*',
  'http://[::1]/*',
  'https://[::1]/*',
  // What a server on every interface prints; the protocol reads it as 127.0.0.1.
  'http://0.0.0.0/*',
  'https://0.0.0.0/*',
];
