/**
 * Seeds a fresh cognito-local: a user pool with e-mail sign-in, the `admins` and default groups (and any others
 * asked for), an app client for each local site (callback and sign-out URLs exactly as the edge functions build
 * them) and the users.
 */
import type { CognitoProcess } from "./cognito";

/** A seeded user. */
export interface DemoUser {
  email: string;
  password: string;
  /** Groups the user is in. */
  groups: string[];
  /** Custom attributes (`custom:…`), which reach the id token as claims for `rules` to read. */
  attributes?: Record<string, string>;
}

/** The group new users join (post-confirmation trigger), and the demo user's group. */
export const DEFAULT_GROUP = "users";
export const ADMIN_GROUP = "admins";

/** The demo users printed by `npm start`. */
export const DEMO_USERS: readonly DemoUser[] = [
  { email: "demo@example.com", password: "Demo-Passw0rd!", groups: [DEFAULT_GROUP], attributes: { "custom:tenant": "acme" } },
  { email: "admin@example.com", password: "Admin-Passw0rd!", groups: [ADMIN_GROUP], attributes: { "custom:tenant": "globex" } },
];

/** The app client of one site. */
export interface SeedClient {
  /** The client's name in the pool, e.g. `local-site`. */
  name: string;
  /** The client's callback URLs, one per host of the site, e.g. `http://localhost:3000/parseauth`. */
  callbackUrls: readonly string[];
  /** The client's sign-out URLs, one per host of the site, e.g. `http://localhost:3000/public/`. */
  logoutUrls: readonly string[];
}

export interface SeedOptions {
  /** One app client per site (public clients: PKCE only, as the SPA mode needs). */
  clients: readonly SeedClient[];
  /** Validity of id and access tokens, seconds (cognito-local accepts any number with unit `seconds`). */
  tokenValiditySeconds: number;
  users?: readonly DemoUser[];
  /** Groups to create besides the demo groups (those an own config's rules name, and its users'). */
  groups?: readonly string[];
}

export interface Seeded {
  userPoolId: string;
  /** The app clients' ids, in the order of `clients`. */
  clientIds: string[];
  users: DemoUser[];
}

export async function seed(cognito: CognitoProcess, opts: SeedOptions): Promise<Seeded> {
  const { UserPool } = await cognito.api<{ UserPool: { Id: string } }>("CreateUserPool", {
    PoolName: "edge-auth-local",
    UsernameAttributes: ["email"],
    AutoVerifiedAttributes: ["email"],
  });
  const userPoolId = UserPool.Id;
  const demoGroups: [string, string][] = [
    [ADMIN_GROUP, "Administrators: may open /admin/"],
    [DEFAULT_GROUP, "Every confirmed user (post-confirmation trigger)"],
  ];
  const more = [...new Set(opts.groups ?? [])].filter((g) => g !== ADMIN_GROUP && g !== DEFAULT_GROUP).map((g): [string, string] => [g, "Named by the config or the local users file"]);
  for (const [GroupName, Description] of [...demoGroups, ...more]) {
    await cognito.api("CreateGroup", { UserPoolId: userPoolId, GroupName, Description });
  }
  const clientIds: string[] = [];
  for (const client of opts.clients) {
    const { UserPoolClient } = await cognito.api<{ UserPoolClient: { ClientId: string } }>("CreateUserPoolClient", {
      UserPoolId: userPoolId,
      ClientName: client.name,
      GenerateSecret: false,
      AllowedOAuthFlows: ["code"],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ["openid", "email", "profile"],
      SupportedIdentityProviders: ["COGNITO"],
      CallbackURLs: [...client.callbackUrls],
      LogoutURLs: [...client.logoutUrls],
      ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      EnableTokenRevocation: true,
      IdTokenValidity: opts.tokenValiditySeconds,
      AccessTokenValidity: opts.tokenValiditySeconds,
      RefreshTokenValidity: 30,
      TokenValidityUnits: { IdToken: "seconds", AccessToken: "seconds", RefreshToken: "days" },
    });
    clientIds.push(UserPoolClient.ClientId);
  }
  const users = [...(opts.users ?? DEMO_USERS)];
  for (const u of users) {
    // With e-mail as the username attribute, the Username is the sub; the API accepts the e-mail everywhere.
    await cognito.api("AdminCreateUser", {
      UserPoolId: userPoolId,
      Username: u.email,
      MessageAction: "SUPPRESS",
      TemporaryPassword: u.password,
      UserAttributes: [
        { Name: "email", Value: u.email },
        { Name: "email_verified", Value: "true" },
        ...Object.entries(u.attributes ?? {}).map(([Name, Value]) => ({ Name, Value })),
      ],
    });
    await cognito.api("AdminSetUserPassword", { UserPoolId: userPoolId, Username: u.email, Password: u.password, Permanent: true });
    for (const GroupName of u.groups) await cognito.api("AdminAddUserToGroup", { UserPoolId: userPoolId, Username: u.email, GroupName });
  }
  return { userPoolId, clientIds, users };
}
