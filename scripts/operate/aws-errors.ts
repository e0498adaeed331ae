/**
 * AWS SDK errors as one line a person can act on, for the operating commands (`npm run logs`, `npm run remove`).
 * The SDK's own messages are long, or name internals ("Could not load credentials from any providers").
 */

/** The SDK error fields these functions read (an SDK v3 ServiceException or a credential provider's error). */
interface AwsErrorLike {
  name?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

const asAws = (err: unknown): AwsErrorLike => (typeof err === "object" && err !== null ? (err as AwsErrorLike) : {});

/** The error's code: the SDK puts it in `name` (and `Code` for some query protocols). */
export function awsErrorCode(err: unknown): string {
  const e = asAws(err);
  return e.Code ?? e.name ?? "Error";
}

/** True for "no credentials" and "credentials no longer valid". */
export function isCredentialsError(err: unknown): boolean {
  return ["CredentialsProviderError", "ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired"].includes(awsErrorCode(err));
}

/** True for a refusal by IAM (or an SCP): the caller is known but may not do this. */
export function isAccessDenied(err: unknown): boolean {
  const code = awsErrorCode(err);
  return code === "AccessDenied" || code === "AccessDeniedException" || code === "UnauthorizedOperation";
}

/**
 * True for the answer of a region that is not enabled in the account (opt-in regions such as ap-east-1): STS
 * credentials are not valid there, so the call fails with UnrecognizedClientException / InvalidClientTokenId.
 */
export function isRegionNotEnabled(err: unknown): boolean {
  const code = awsErrorCode(err);
  return code === "UnrecognizedClientException" || code === "InvalidClientTokenId" || code === "InvalidSignatureException";
}

/** A one-line message for credentials and permission errors, naming the action and region; undefined otherwise. */
export function describeAwsError(err: unknown, action: string, region?: string): string | undefined {
  const where = region ? ` in ${region}` : "";
  if (isCredentialsError(err))
    return `no usable AWS credentials (${awsErrorCode(err)}): set AWS_PROFILE, or run \`aws configure\` / \`aws sso login\`, then try again`;
  if (isAccessDenied(err)) return `access denied: your AWS identity may not call ${action}${where}; ask for that permission (IAM) and try again`;
  return undefined;
}

/** The message of an error to print on one line: the friendly one when there is one, else `<code>: <message>`. */
export function oneLine(err: unknown, action: string, region?: string): string {
  const friendly = describeAwsError(err, action, region);
  if (friendly) return friendly;
  const e = asAws(err);
  return `${action}${region ? ` in ${region}` : ""} failed: ${awsErrorCode(err)}: ${(e.message ?? String(err)).split("\n")[0]}`;
}
