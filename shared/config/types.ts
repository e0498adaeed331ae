/**
 * The resolved configuration, as the config pipeline (shared/config/resolve.ts) hands it to the build: the edge
 * part baked into every Lambda@Edge bundle, the triggers part baked into the Cognito triggers, and the deploy
 * part the deploy scripts read. Types and fixed defaults only: bundles import this module for its types, so it
 * must never import the schema library.
 */
import type { Jwks } from "aws-jwt-verify/jwk";

/** SameSite attribute of the cookies we set. */
export type SameSite = "Lax" | "Strict" | "None";
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

/**
 * Who a selector picks (exactly one kind): members of any of `groups`; a verified e-mail among `emails` (lower
 * case); a verified e-mail whose domain is among `emailDomains` (lower case, `*.` for subdomains at any depth); a
 * claim (name or dotted path) holding one of `values` (numbers and booleans as their JSON text); a viewer IP in
 * one of `ipRanges` (IPv4 or IPv6 CIDR).
 */
export type Selector =
  | { groups: string[] }
  | { emails: string[] }
  | { emailDomains: string[] }
  | { claim: string; values: string[] }
  | { ipRanges: string[] };

/** The HTTP methods CloudFront passes on, and so the ones a rule may name. */
export const RULE_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"] as const;

/**
 * One access policy for a path: it applies when `path` matches (raw or normalised) and, with `methods`, the method
 * is one of them; a signed-in user satisfies it when some `include` selector matches (or there is no include),
 * every `require` selector matches and no `exclude` selector does. `groups` is shorthand for one include selector.
 */
export interface Rule {
  /** Glob of request paths, as CloudFront path patterns: `*` matches any characters (slashes too), `?` one. */
  path: string;
  /** Shorthand for `include: [{ groups }]`: the user must be in one of these groups. */
  groups?: string[];
  /** The methods the rule applies to (upper case); absent: every method. */
  methods?: string[];
  include?: Selector[];
  require?: Selector[];
  exclude?: Selector[];
}

/** Where the viewer check of every request runs. */
export type HotPath = "lambda-edge" | "cloudfront-function";

export interface Paths {
  /** Where Cognito sends the browser back with `code` and `state` (the app client's callback URL). Default `/parseauth`. */
  callback: string;
  /** Where check-auth sends a browser whose tokens expired, to refresh them. Default `/refreshauth`. */
  refresh: string;
  /** Visiting it signs the user out. Default `/signout`. */
  signOut: string;
  /** Where Cognito's `/logout` sends the browser afterwards (must be a sign-out URL of the app client). Default `/`. */
  afterSignOut: string;
  /** Starts a sign-in for `?return=<path>` (the sign-in function). The CloudFront Function hot path sends
   *  signed-out visitors here, since starting a sign-in needs secure randomness. Default `/signin`. */
  signIn: string;
}

/** The session cookie of the CloudFront Function hot path. */
export interface SessionSettings {
  /** Upper bound of a session, seconds: a refresh (which the provider refuses once the refresh token is revoked
   *  or the user disabled) happens at least this often. Absent: the id token's lifetime is the only bound. */
  maxAge?: number;
  /** HMAC-SHA256 key of the session cookie (base64url of at least 32 random bytes). Generated at build when
   *  absent; never in the repository, a template or a log. */
  signingSecret: string;
}

export interface CookieSettings {
  /** SameSite of the token cookies. Default `Lax`. Our own short-lived cookies are always `Lax` (they must
   *  survive the redirect back from the Hosted UI). With `Strict`, parse-auth returns a page that navigates
   *  to the return URL instead of a 302, because a redirect chain that started cross-site carries no Strict cookies. */
  sameSite: SameSite;
  /** Domain attribute; absent (the default) means host-only cookies, which is the safest choice. */
  domain?: string;
  /** Lifetime of the refresh-token cookie (and `LastAuthUser`), seconds. Default 30 days, Cognito's default
   *  refresh-token validity. */
  refreshTokenMaxAge: number;
}

/** Timeouts for calls to Cognito, in milliseconds. All well inside the 5 s viewer-trigger limit. */
export interface Timeouts {
  /** `/oauth2/token` (code exchange and refresh). Default 3000. */
  token: number;
  /** `/oauth2/revoke` on sign-out; sign-out proceeds when it fails. Default 1500. */
  revoke: number;
  /** JWKS fetch for an unknown `kid`. Default 1500. */
  jwks: number;
}

/** How the app client authenticates at the token and revocation endpoints. */
export type ClientAuth = "client_secret_basic" | "client_secret_post" | "none";

/**
 * The identity provider, resolved: Cognito (the default) or any OpenID Connect provider, its endpoints from the
 * config or its discovery document (read at build, like the keys).
 */
export interface ProviderConfig {
  type: "cognito" | "oidc";
  /** Expected `iss` of the id token. */
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** Absent: the provider cannot revoke; sign-out only clears the session. */
  revocationEndpoint?: string;
  /** RP-initiated logout (OIDC); Cognito's is `<domain>/logout`. Absent: sign-out ends at `paths.afterSignOut`. */
  endSessionEndpoint?: string;
  jwksUri: string;
  clientAuth: ClientAuth;
  /** Whether access tokens are JWTs of this client to verify (Cognito's are); otherwise they are passed through. */
  accessTokenJwt: boolean;
  /**
   * The provider puts `iss` on every authorization response (RFC 9207; its discovery document says
   * `authorization_response_iss_parameter_supported`): a callback without it is refused. Absent: false.
   */
  issParameter?: boolean;
}

/** The edge configuration after validation and defaults, as baked into the Lambda@Edge bundles. */
export interface ResolvedConfig {
  /** The user pool's region (Cognito); empty for another provider. */
  region: string;
  /** The user pool (Cognito); empty for another provider. */
  userPoolId: string;
  clientId: string;
  /** Present for a confidential app client: token calls then use HTTP Basic client authentication. */
  clientSecret?: string;
  /** Hosted UI origin, e.g. `https://auth.example.com` (no trailing slash); for another provider, its issuer's origin. */
  domain: string;
  provider: ProviderConfig;
  /** The claim holding the user's groups (a dotted path reaches into objects: `realm_access.roles`). */
  groupsClaim: string;
  /** The claim naming the user (cookie names, `x-auth-user`); `sub` when it is absent. */
  usernameClaim: string;
  scopes: string[];
  /** Expected `iss` of the tokens. */
  issuer: string;
  /** Where to fetch keys for an unknown `kid`: `<issuer>/.well-known/jwks.json`. */
  jwksUri: string;
  /** Keys known at build time, so a cold start verifies with no network call. */
  jwks: Jwks;
  /** Seconds of clock skew allowed when `exp` and `nbf` are checked. Default 5. */
  clockToleranceSeconds: number;
  paths: Paths;
  publicPaths: string[];
  rules: Rule[];
  cookie: CookieSettings;
  /** HMAC key of the sign-in cookies (nonce, PKCE verifier, return path). */
  nonceSigningSecret: string;
  /** Where the viewer check runs: `lambda-edge` (default: check-auth verifies the provider's tokens on every
   *  request) or `cloudfront-function` (a CloudFront Function checks a signed session cookie). */
  hotPath: HotPath;
  session: SessionSettings;
  /** With the CloudFront Function hot path, security headers come from a response headers policy; set this to
   *  also run the origin-response http-headers function, which merges our CSP into the origin's. Default false. */
  mergeOriginCsp: boolean;
  /** Security headers added by http-headers; a header set to `false` in the raw config is not added. */
  headers: Record<string, string>;
  logLevel: LogLevel;
  timeouts: Timeouts;
  /** `static` (default): every cookie HttpOnly. `spa`: id/access token and LastAuthUser readable by scripts
   *  (Amplify JS), the refresh token still HttpOnly. */
  mode: "static" | "spa";
  /** Globs of paths answered with 401 + JSON instead of a redirect to sign-in. */
  apiPaths: string[];
  /** Send `x-auth-user`, `x-auth-email`, `x-auth-groups`, `x-auth-id-token` to the origin. */
  forwardIdentity: boolean;
  /** Sent to `/oauth2/authorize` as `identity_provider`, so users skip the Cognito chooser. */
  identityProvider?: string;
  /** Sent to `/oauth2/authorize` as `idp_identifier`. */
  idpIdentifier?: string;
  /** HTML templates per status code (`"403"`, `"400"`, ...), baked at build; `{{reason}}`, `{{status}}`,
   *  `{{title}}`, `{{retry}}` are replaced with escaped values. */
  errorPages: Record<string, string>;
  /** Rewrite `/docs/` and `/docs` to `/docs/index.html` after the auth decision (S3 behind OAC has no index
   *  documents for folders). Default true. */
  indexRewrite: boolean;
  /** Send paths whose last segment has no file extension to `/index.html` (single-page apps). Default false. */
  spaFallback: boolean;
}

/** Security headers http-headers adds by default; each can be overridden or turned off in `headers`. */
export const DEFAULT_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "strict-transport-security": "max-age=63072000; includeSubDomains",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "content-security-policy": "frame-ancestors 'none'",
  "referrer-policy": "strict-origin-when-cross-origin",
};

export const DEFAULT_PATHS: Readonly<Paths> = {
  callback: "/parseauth",
  refresh: "/refreshauth",
  signOut: "/signout",
  afterSignOut: "/",
  signIn: "/signin",
};

// ------------------------------------------------------------------------------------------------ triggers

/** A claim value the config or a claims module may produce. V1 events turn every value into a string. */
export type ClaimValue = string | number | boolean | Array<string | number | boolean>;

/** A claim derived from the user's groups. */
export interface GroupClaims {
  /** Name of the claim, e.g. `roles`. */
  claim: string;
  /** Group name → values the claim gets for members of that group. Values are de-duplicated in the order of
   *  this map; a user in no mapped group gets no claim at all. */
  map: Record<string, string[]>;
}

export interface PreTokenGenerationConfig {
  /** User attribute → claim name, e.g. `{ "custom:tenant": "tenant" }`. Copied only when the user has the
   *  attribute. Copy only attributes users cannot write (see docs/triggers.md). Default none. */
  attributeClaims: Record<string, string>;
  /** Claim derived from group membership. Default none. */
  groupClaims?: GroupClaims;
  /** Claims with a constant value, in every token. Default none. */
  staticClaims: Record<string, ClaimValue>;
  /** Claims removed from the tokens (e.g. `email` when the origin should not see it). Default none. */
  suppressClaims: string[];
  /** Group → OAuth scopes added to the access token (V2/V3 events only; V1 cannot change the access token).
   *  Default none. */
  accessTokenScopes: Record<string, string[]>;
  /** Upper bound, in bytes of JSON, of the claims added to one token. Default 2048: claims go into the id and
   *  (V2) the access token, and both must fit in the edge's session cookies. */
  maxClaimsBytes: number;
  /** Path (relative to the config file) of a TypeScript module bundled into the trigger whose default export
   *  (or `claims` export) returns extra claims. The build resolves it; it is not used at run time. */
  module?: string;
  /** The app client's write attributes, as far as the config knows them. Only used to warn at build when an
   *  attribute in `attributeClaims` is one users can set on themselves. */
  writableAttributes: string[];
}

export interface PostConfirmationConfig {
  /** Group every newly confirmed user joins (`AdminAddUserToGroup`). The group must exist. Default none: the
   *  trigger does nothing. The `DEFAULT_GROUP` environment variable overrides it. */
  defaultGroup?: string;
}

/** The resolved `triggers` config baked into the trigger bundles. */
export interface TriggersConfig {
  preTokenGeneration: PreTokenGenerationConfig;
  postConfirmation: PostConfirmationConfig;
  /** The config's `logLevel` (default `info`); the `LOG_LEVEL` environment variable overrides it. */
  logLevel: LogLevel;
}

export const DEFAULT_MAX_CLAIMS_BYTES = 2048;

// ------------------------------------------------------------------------------------------------ deploy

/** Which CloudFront edge locations serve the site; `PriceClass_100` (North America and Europe) is the cheapest. */
export type PriceClass = "PriceClass_100" | "PriceClass_200" | "PriceClass_All";
/** Event version Cognito sends to pre-token-generation. V2_0 (id and access token) needs the Essentials plan. */
export type PreTokenVersion = "V1_0" | "V2_0";

/** Settings of the user pool created when `deploy.createUserPool` is true. */
export interface UserPoolSettings {
  /** Name of the pool. Default `<service>-<stage>`. */
  name: string;
  /** Hosted UI prefix domain: `<prefix>.auth.<region>.amazoncognito.com`. Must be unique in the region across
   *  all AWS accounts. Default `<service>-<stage>`. */
  domainPrefix: string;
  /** Create a confidential app client (with a secret; the edge then uses HTTP Basic client auth). Default false:
   *  a public client, protected by PKCE. */
  generateSecret: boolean;
  /** Let visitors sign themselves up on the Hosted UI. Default false: only administrators create users. */
  selfSignUp: boolean;
  /** Pre-token-generation event version. Default `V2_0`, which puts the pool on the Essentials feature plan. */
  preTokenGenerationVersion: PreTokenVersion;
  /** CloudFormation deletion protection of the pool (users survive `npm run remove`). Default true. */
  deletionProtection: boolean;
  /** Sign-in pages, MFA, passkeys, password policy and refresh token rotation (see `UserPoolSignIn`). */
  signIn: UserPoolSignIn;
}

/** Second factors Cognito offers: an authenticator app (TOTP) or a text message (SMS, through SNS). */
export type MfaMethod = "totp" | "sms";

/** The created pool's sign-in options (`deploy.userPool.*`). None of them changes the edge contract: the edge
 *  still gets an authorization code and tokens from the same endpoints. */
export interface UserPoolSignIn {
  /** `v2`: managed login (UserPoolDomain ManagedLoginVersion 2, with a ManagedLoginBranding style). `classic`: the
   *  classic Hosted UI (version 1). Default `v2`. */
  managedLogin: "v2" | "classic";
  /** The branding style: the designer's settings JSON and image assets. Absent (default): Cognito's own style
   *  (`UseCognitoProvidedValues: true`). */
  branding?: { settings?: Record<string, unknown>; assets?: Array<{ category: string; colorMode: string; extension: string; bytes: string }> };
  /** Refresh token rotation on the app client; absent (default): off. The grace period (0-60 s) is how long the
   *  rotated-out token still works. */
  refreshTokenRotation?: { retryGracePeriodSeconds: number };
  /** Passkeys (WebAuthn) as a first factor beside the password; absent (default): off. Needs `v2` and the
   *  Essentials plan. `relyingPartyId` absent: Cognito's default, the pool's domain. */
  passkeys?: { relyingPartyId?: string; userVerification: "preferred" | "required" };
  /** `off` (default), `optional` or `on`. */
  mfa: "off" | "optional" | "on";
  /** Second factors when `mfa` is not `off`. Default `["totp"]`. */
  mfaMethods: MfaMethod[];
  passwordPolicy: PasswordPolicy;
}

/** AWS::Cognito::UserPool PasswordPolicy, from `deploy.userPool.passwordPolicy`. */
export interface PasswordPolicy {
  /** Default 12. */
  minimumLength: number;
  /** Default true. */
  requireLowercase: boolean;
  /** Default true. */
  requireUppercase: boolean;
  /** Default true. */
  requireNumbers: boolean;
  /** Default false. */
  requireSymbols: boolean;
  /** Default 7. */
  temporaryPasswordValidityDays: number;
  /** Previous passwords refused again (Essentials plan). Default: none. */
  passwordHistorySize?: number;
}

/** Alarms on the EMF metrics of the edge functions (`deploy.alarms`), in us-east-1 with the stack. */
export interface AlarmSettings {
  /** Default true. */
  enabled: boolean;
  /** SNS topic in us-east-1 told on ALARM and OK. Default: none. */
  snsTopicArn?: string;
  /** Threshold of the `Rejections` alarm, per minute. Default 20. */
  rejectionsPerMinute: number;
  /** Threshold of the Cognito-unreachable alarm (`Decisions` with Reason `cognito-unavailable` or
   *  `cognito-unavailable:jwks`), per minute. Default 5. */
  unavailablePerMinute: number;
}

/** The CloudWatch dashboard (`deploy.dashboard`). */
export interface DashboardSettings {
  /** Default true. */
  enabled: boolean;
  /** Regions shown, one row of widgets each. Default: the regional edge cache regions of the price class. */
  regions: string[];
}

/** The resolved `deploy` object. */
export interface DeployConfig {
  /** Serverless service name; the stacks are `<service>-<stage>` (us-east-1) and `<service>-pool-<stage>`.
   *  Default `edge-auth`. */
  service: string;
  /** Stage, part of every stack and function name. Default `dev`. */
  stage: string;
  /** Create a user pool, app client, Hosted UI domain, groups and triggers. Default: true when the config has
   *  no `userPoolId`, false otherwise (an existing pool and client are used as they are). */
  createUserPool: boolean;
  userPool: UserPoolSettings;
  /** Custom domain names of the site (CloudFront alternate domain names). Default none. */
  aliases: string[];
  /** ACM certificate in us-east-1 covering every alias; required with `aliases`. */
  certificateArn?: string;
  /** Default `PriceClass_100`. */
  priceClass: PriceClass;
  /** Folder uploaded to the bucket by `npm run upload-site` (and after each deploy), relative to the
   *  repository root. Default `site`. */
  siteDir: string;
  /** Bucket name; default: generated by CloudFormation (`<stack>-sitebucket-<random>`). */
  bucketName?: string;
  alarms: AlarmSettings;
  dashboard: DashboardSettings;
}
