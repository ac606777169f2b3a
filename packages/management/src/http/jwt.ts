function b64urlJson(part: string): unknown {
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
  const bin = atob(padded);
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** Whether a string decodes as a JWT (header.payload.signature, JSON parts); the signature is not verified. */
export function isJwt(token: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 3) return false;
  try {
    const header = b64urlJson(parts[0]!);
    const payload = b64urlJson(parts[1]!);
    return !!header && typeof header === 'object' && !!payload && typeof payload === 'object';
  } catch {
    return false;
  }
}
