/**
 * The bad-input matrix: each case an Authorization header, the status API Gateway answers and the
 * reason the decision line gives (SECURITY.md lists them; matrix.test.ts sends them).
 */
import type { MatrixCase } from './cases';
import { CLAIM_CASES } from './claims';
import { HEADER_CASES } from './header';
import { KEY_CASES } from './keys';

export { type MatrixCase, type MatrixContext, matrixKeys } from './cases';

export const MATRIX: MatrixCase[] = [...HEADER_CASES, ...KEY_CASES, ...CLAIM_CASES];
