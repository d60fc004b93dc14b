/**
 * Codes a member may type: referral codes and promo codes share one namespace and the
 * alphabet payment providers use for promotion codes, stored upper case.
 */
export const typedCode = /^[A-Z0-9_-]{1,64}$/;

export const normalizeTypedCode = (code: string): string => code.trim().toUpperCase();
