/**
 * The config pipeline's provider part: Cognito's pool and Hosted UI domain, or an OpenID Connect provider's
 * endpoints (given, or from its discovery document), and the region/pool consistency checks.
 */
import type { ConfigFile } from "./schema";
import type { ResolvedConfig } from "./types";
import { LOCAL_HOSTS, isLocalUrl } from "./resolve-common";
import type { Fail, Raw, ResolveExtra } from "./resolve-common";

const HOST = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/** Why a pool id is missing when the deploy creates the pool. */
export const POOL_IDS_HINT =
  "is required: this config has no pool ids because `npm run deploy` creates the pool and fills them in; `npm run build` needs them (run `npm run deploy`, or add userPoolId, clientId and domain of an existing pool)";

interface ProviderPart {
  provider: ResolvedConfig["provider"];
  region: string;
  userPoolId: string;
  domain: string;
  /** Scopes the provider adds (`offline_access` for a refresh token). */
  extraScopes: string[];
}

/**
 * The provider and its endpoints. Cognito: the pool's (`region`, `userPoolId`, the Hosted UI `domain`). Any other
 * OpenID Connect provider: the endpoints given in the config, else from its discovery document (which the build
 * reads and hands in through `extra.discovery`; its `issuer` must be the configured one). Without a document yet,
 * missing endpoints are left empty: the build resolves again once it has read it.
 */
export function providerPart(data: ConfigFile, extra: ResolveExtra, createsPool: boolean, fail: Fail): ProviderPart | undefined {
  const prov = data.provider;
  if (prov === "cognito") {
    let bad = false;
    const need = (field: string) => {
      bad = true;
      fail(field, createsPool ? POOL_IDS_HINT : "is required");
    };
    if (data.region === undefined) {
      bad = true;
      fail("region", "is required");
    }
    if (data.userPoolId === undefined) need("userPoolId");
    const domain = data.domain === undefined ? void need("domain") : resolveDomain(data.domain, fail);
    const issuer = data.issuer;
    if (issuer?.startsWith("http:") && !isLocalUrl(issuer)) {
      bad = true;
      fail("issuer", "http:// is accepted only for localhost and 127.0.0.1");
    }
    checkRegionAndPool(data, fail);
    // Cognito's own formats (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html).
    if (data.clientId !== undefined && !/^[\w+]{1,128}$/.test(data.clientId)) {
      bad = true;
      fail("clientId", "must be the app client id (letters, digits, underscores)");
    }
    if (data.clientSecret !== undefined && !/^[\w+]{1,128}$/.test(data.clientSecret)) {
      bad = true;
      fail("clientSecret", "must be the app client secret");
    }
    if (bad || !domain || !data.region || !data.userPoolId) return undefined;
    const iss = issuer ?? `https://cognito-idp.${data.region}.amazonaws.com/${data.userPoolId}`;
    return {
      region: data.region,
      userPoolId: data.userPoolId,
      domain,
      extraScopes: [],
      provider: {
        type: "cognito",
        issuer: iss,
        authorizationEndpoint: `${domain}/oauth2/authorize`,
        tokenEndpoint: `${domain}/oauth2/token`,
        revocationEndpoint: `${domain}/oauth2/revoke`,
        endSessionEndpoint: `${domain}/logout`,
        jwksUri: `${iss}/.well-known/jwks.json`,
        clientAuth: data.clientSecret ? "client_secret_basic" : "none",
        accessTokenJwt: true,
      },
    };
  }

  for (const key of ["region", "userPoolId", "domain", "issuer", "identityProvider", "idpIdentifier"] as const) {
    if (data[key] !== undefined) fail(key, 'is for provider "cognito"; an OpenID Connect provider is described by provider.issuer and its endpoints');
  }
  const issuer = prov.issuer;
  const url = (field: string, v: string | undefined): string | undefined => {
    if (v === undefined) return undefined;
    if (v.startsWith("http:") && !isLocalUrl(v)) return void fail(`provider.${field}`, "http:// is accepted only for localhost and 127.0.0.1");
    return v;
  };
  url("issuer", issuer);
  const doc = extra.discovery?.[issuer];
  if (doc !== undefined && doc.issuer !== issuer)
    fail("provider.issuer", `is ${issuer}, but the discovery document at ${issuer.replace(/\/$/, "")}/.well-known/openid-configuration names issuer ${JSON.stringify(doc.issuer)}: a provider that says it is someone else is not trusted`);
  const fromDoc = (field: string): string | undefined => (typeof doc?.[field] === "string" ? (doc[field] as string) : undefined);
  const pick = (field: "authorizationEndpoint" | "tokenEndpoint" | "revocationEndpoint" | "endSessionEndpoint" | "jwksUri", docField: string, required: boolean) => {
    const v = url(field, prov[field] ?? fromDoc(docField));
    if (v === undefined && required && doc !== undefined) fail(`provider.${field}`, `the discovery document has no ${docField}; set it in the config`);
    return v;
  };
  const authorizationEndpoint = pick("authorizationEndpoint", "authorization_endpoint", true);
  const tokenEndpoint = pick("tokenEndpoint", "token_endpoint", true);
  const jwksUri = pick("jwksUri", "jwks_uri", true);
  const revocationEndpoint = pick("revocationEndpoint", "revocation_endpoint", false);
  const endSessionEndpoint = pick("endSessionEndpoint", "end_session_endpoint", false);
  const methods = Array.isArray(doc?.token_endpoint_auth_methods_supported) ? (doc.token_endpoint_auth_methods_supported as unknown[]) : [];
  const clientAuth =
    prov.clientAuth ??
    (!data.clientSecret ? "none" : methods.includes("client_secret_basic") || methods.length === 0 ? "client_secret_basic" : methods.includes("client_secret_post") ? "client_secret_post" : "client_secret_basic");
  if (clientAuth !== "none" && !data.clientSecret) fail("provider.clientAuth", `is ${clientAuth}, which needs a clientSecret`);
  if (clientAuth === "none" && data.clientSecret) fail("provider.clientAuth", 'is "none", but a clientSecret is set');
  const scopes = Array.isArray(doc?.scopes_supported) ? (doc.scopes_supported as unknown[]) : [];
  const origin = (() => {
    try {
      return new URL(authorizationEndpoint ?? issuer).origin;
    } catch {
      return issuer;
    }
  })();
  return {
    region: "",
    userPoolId: "",
    domain: origin,
    extraScopes: prov.offlineAccess && scopes.includes("offline_access") ? ["offline_access"] : [],
    provider: {
      type: "oidc",
      issuer,
      authorizationEndpoint: authorizationEndpoint ?? "",
      tokenEndpoint: tokenEndpoint ?? "",
      ...(revocationEndpoint ? { revocationEndpoint } : {}),
      ...(endSessionEndpoint ? { endSessionEndpoint } : {}),
      jwksUri: jwksUri ?? "",
      clientAuth,
      accessTokenJwt: prov.accessTokenJwt,
      // RFC 9207 §3: a provider that says it sends `iss` always does, so a response without one is not its.
      ...(doc?.authorization_response_iss_parameter_supported === true ? { issParameter: true } : {}),
    },
  };
}

/** The endpoints an OpenID Connect provider still lacks (none once its discovery document has been read). */
export function missingEndpoints(c: ResolvedConfig): string[] {
  const p = c.provider;
  return (["authorizationEndpoint", "tokenEndpoint", "jwksUri"] as const).filter((k) => !p[k]);
}

/**
 * `region` must be where the pool is: the pool id starts with it (`eu-west-1_AbC`), and so does an issuer that
 * names Cognito. An emulator's issuer (localhost) names its own pools.
 */
function checkRegionAndPool(data: ConfigFile, fail: Fail): void {
  if (data.region === undefined) return;
  const m = data.issuer ? /^https:\/\/cognito-idp\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([\w-]+_[0-9A-Za-z]+)$/.exec(data.issuer) : null;
  if (m) {
    if (m[1] !== data.region) fail("issuer", `names region ${m[1]}, but region is ${data.region}`);
    if (data.userPoolId && m[2] !== data.userPoolId) fail("issuer", `names pool ${m[2]}, but userPoolId is ${data.userPoolId}`);
  }
  if (data.userPoolId && (!data.issuer || m)) {
    const prefix = data.userPoolId.split("_")[0];
    if (prefix !== data.region) fail("region", `is ${data.region}, but userPoolId ${data.userPoolId} is a pool in ${prefix}: the issuer would refuse every token`);
  }
}

/**
 * The checks across keys that do not need a valid file, for a file the schema refused: each runs when the keys it
 * reads are strings the schema did not complain about, so a typo elsewhere does not hide a region/pool mismatch.
 */
export function crossKeyChecksOnly(raw: Raw, issues: readonly { path: readonly PropertyKey[] }[], fail: Fail): void {
  const refused = new Set(issues.map((i) => String(i.path[0] ?? "")));
  const str = (key: string) => (typeof raw[key] === "string" && !refused.has(key) ? (raw[key] as string) : undefined);
  const region = str("region");
  const userPoolId = str("userPoolId");
  const issuer = str("issuer");
  // An unparsed `provider` may still be "cognito": the region/pool check applies unless it is an OpenID Connect one.
  if (raw.provider !== undefined && raw.provider !== "cognito") return;
  checkRegionAndPool({ region, userPoolId, issuer } as ConfigFile, fail);
}

/** A bare host means https; a full URL may carry a port; http only for local emulators. */
function resolveDomain(v: string, fail: Fail): string | undefined {
  if (v === "") return void fail("domain", "is required (the Hosted UI domain, e.g. auth.example.com)");
  if (!v.includes("://")) {
    if (!HOST.test(v)) return void fail("domain", "must be a host name such as auth.example.com, or a full https:// URL");
    return `https://${v.toLowerCase()}`;
  }
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return void fail("domain", "is not a valid URL");
  }
  if (url.protocol === "http:" && !LOCAL_HOSTS.has(url.hostname))
    return void fail("domain", "http:// is accepted only for localhost and 127.0.0.1 (emulators); use https://");
  if (url.protocol !== "https:" && url.protocol !== "http:") return void fail("domain", "must be an https:// URL");
  if (url.username || url.password || url.search || url.hash || (url.pathname !== "/" && url.pathname !== ""))
    return void fail("domain", "must be an origin only (no path, query, credentials or fragment)");
  return url.origin;
}
