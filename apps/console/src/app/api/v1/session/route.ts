import { EdgelensError } from "@edgelens/shared";
import { clientAddress, throttleSignIn } from "@/server/auth/login-throttle";
import { getSessionUser, signIn, signOut } from "@/server/auth/session";
import { readJson } from "@/server/http/body";
import { LoginSchema } from "@/server/http/api-schemas";
import { json, noContent, publicRoute } from "@/server/http/route";

export const dynamic = "force-dynamic";

export const POST = publicRoute(async ({ req }) => {
  const { email, password } = await readJson(req, LoginSchema);
  const user = await throttleSignIn(email, clientAddress(req.headers), () => signIn(email, password));
  if (!user) throw new EdgelensError("UNAUTHORIZED", "wrong email or password");
  return json({ user });
});

export const GET = publicRoute(async () => {
  const user = await getSessionUser();
  if (!user) throw new EdgelensError("UNAUTHORIZED", "not signed in");
  return json({ user });
});

export const DELETE = publicRoute(async () => {
  await signOut();
  return noContent();
});
