/**
 * Why a token, a token pair or a sealed sign-in was refused: the failure codes the reason codes are built from
 * (`errors.ts`). They live here, in the outcome vocabulary, so that the vocabulary imports nothing; the modules that
 * decide them (`edge/tokens/claim-rules.ts`, `verifier.ts`, `token-pair.ts`, `edge/sign-in-state.ts`) import them.
 */

/** A claim that makes the token not ours: the same answer every time for the same token. */
export type ClaimFailure = "issuer" | "audience" | "azp" | "client_id" | "token_use" | "missing-exp" | "iat";

/** Why a token was refused; logs say `rejected:<failure>`. */
export type TokenFailure =
  | ClaimFailure
  | "malformed"
  | "algorithm"
  | "signature"
  | "not-yet-valid"
  | "unknown-key"
  | "too-large"
  | "invalid"
  /** The key could not be fetched: the token may be fine. Callers answer "try again" and keep the cookies. */
  | "jwks-unavailable";

/** Why a pair was refused: a failure of the id token, of the access token (`access-<failure>`), or of the pair. */
export type PairFailure = Exclude<TokenFailure, "jwks-unavailable"> | `access-${Exclude<TokenFailure, "jwks-unavailable">}` | "token-mismatch";

/** Why a sign-in cookie's sealed value was refused. */
export type UnsealFailure = "malformed" | "bad-mac" | "expired";
