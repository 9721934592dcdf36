/**
 * A JWS in compact serialization (RFC 7515 section 7.1): three base64url segments, no padding, no
 * spaces. What a signed access token and a DPoP proof look like, and nothing else does.
 */
export const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
