import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getSessionUser } from "@/server/auth/session";
import { getContext } from "@/server/get-context";
import { needsFirstAdmin } from "@/server/services/first-admin";
import { FirstAdminForm, SignInForm } from "./login-forms";
import { safeNextPath } from "./safe-next";

export const metadata: Metadata = { title: "Sign in · Edgelens" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  const target = safeNextPath(next);
  if (await getSessionUser()) redirect(target);
  const firstStart = needsFirstAdmin(await getContext());

  return (
    <main className="flex min-h-screen items-center justify-center bg-gradient-to-br from-slate-900 via-slate-800 to-sky-900 px-4 py-10">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center justify-center gap-2 text-white">
          <span className="grid h-10 w-10 place-items-center rounded-xl bg-gradient-to-br from-sky-400 to-indigo-500 shadow-lg">
            <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.6} className="h-6 w-6" aria-hidden="true">
              <path d="M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12zM12 15a3 3 0 100-6 3 3 0 000 6z" />
            </svg>
          </span>
          <span className="text-2xl font-semibold tracking-tight">Edgelens</span>
        </div>
        <div className="rounded-xl bg-white p-6 shadow-xl">
          <h1 className="mb-4 text-lg font-semibold text-slate-900">{firstStart ? "Create the admin" : "Sign in to the console"}</h1>
          {firstStart ? <FirstAdminForm /> : <SignInForm next={target} />}
        </div>
        <p className="mt-4 text-center text-xs text-slate-400">Self-hosted edge vision · everything stays on your network</p>
      </div>
    </main>
  );
}
