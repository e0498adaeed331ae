/// <reference lib="dom" />
/**
 * The SPA-mode demo page's script (runs in the browser; bundled by local/spa/build.ts). It does what an app using
 * Amplify JS v6 does with the edge's cookies: configure the user pool, read the session from `CookieStorage`,
 * and show what `getCurrentUser()` and `fetchAuthSession()` return. With a valid session in the cookies neither
 * makes a network call.
 */
import { Amplify } from "aws-amplify";
import { fetchAuthSession, getCurrentUser } from "aws-amplify/auth";
import { cognitoUserPoolsTokenProvider } from "aws-amplify/auth/cognito";
import { CookieStorage } from "aws-amplify/utils";

/** What the stack writes into the page (`<script type="application/json" id="spa-config">`). */
export interface SpaConfig {
  userPoolId: string;
  userPoolClientId: string;
  /** The edge's `cookie.domain`, when set; otherwise the cookies are host-only, like the edge writes them. */
  cookieDomain?: string;
}

/** What the page renders into `#amplify-result` (and the e2e test reads). */
export interface AmplifyResult {
  ok: boolean;
  user?: { username: string; userId: string };
  tokens?: {
    idToken: boolean;
    accessToken: boolean;
    /** The id token's claims, as Amplify decoded them. */
    idClaims: Record<string, unknown>;
    accessExp?: number;
  };
  error?: { name: string; message: string };
  ms: number;
}

async function run(config: SpaConfig): Promise<AmplifyResult> {
  const started = performance.now();
  Amplify.configure({ Auth: { Cognito: { userPoolId: config.userPoolId, userPoolClientId: config.userPoolClientId } } });
  cognitoUserPoolsTokenProvider.setKeyValueStorage(
    new CookieStorage({
      ...(config.cookieDomain ? { domain: config.cookieDomain } : {}),
      path: "/",
      // Browsers treat http://localhost as a secure context, so the local stack can keep Secure cookies too.
      secure: location.protocol === "https:" || location.hostname === "localhost",
      sameSite: "lax",
    }),
  );
  try {
    const { username, userId } = await getCurrentUser();
    const session = await fetchAuthSession();
    const idToken = session.tokens?.idToken;
    const accessToken = session.tokens?.accessToken;
    return {
      ok: true,
      user: { username, userId },
      tokens: {
        idToken: idToken !== undefined,
        accessToken: accessToken !== undefined,
        idClaims: { ...(idToken?.payload ?? {}) },
        ...(accessToken?.payload.exp !== undefined ? { accessExp: accessToken.payload.exp } : {}),
      },
      ms: Math.round(performance.now() - started),
    };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    return { ok: false, error: { name: e.name, message: e.message }, ms: Math.round(performance.now() - started) };
  }
}

function render(result: AmplifyResult): void {
  const out = document.getElementById("amplify-result");
  if (!out) return;
  out.textContent = JSON.stringify(result, null, 2);
  out.dataset.state = result.ok ? "signed-in" : "signed-out";
  const who = document.getElementById("amplify-user");
  if (who) who.textContent = result.ok ? `${String(result.tokens?.idClaims.email ?? result.user?.username)}` : "nobody (Amplify sees no session)";
}

const configText = document.getElementById("spa-config")?.textContent ?? "{}";
run(JSON.parse(configText) as SpaConfig).then(render, (err: unknown) =>
  render({ ok: false, error: { name: "Error", message: String(err) }, ms: 0 }),
);
