"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useState, type ReactNode } from "react";
import { joinClasses } from "../ui/class-names";
import { Icon } from "./icon";
import { isActive, navItems } from "./nav-items";

export type ShellUser = { email: string; name: string | null; role: "admin" | "viewer" };

function Brand() {
  return (
    <Link href="/" className="flex items-center gap-2 px-2 text-white">
      <span className="grid h-8 w-8 place-items-center rounded-lg bg-gradient-to-br from-sky-400 to-indigo-500 shadow">
        <Icon path="M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12zM12 15a3 3 0 100-6 3 3 0 000 6z" className="h-5 w-5 text-white" />
      </span>
      <span className="text-base font-semibold tracking-tight">Edgelens</span>
    </Link>
  );
}

function NavLinks({ pathname, onNavigate }: { pathname: string; onNavigate?: () => void }) {
  return (
    <nav aria-label="Main" className="flex flex-1 flex-col gap-0.5">
      {navItems.map((item) => {
        const active = isActive(pathname, item.href);
        return (
          <Link
            key={item.href}
            href={item.href}
            onClick={onNavigate}
            aria-current={active ? "page" : undefined}
            className={joinClasses(
              "flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition-colors",
              active ? "bg-slate-800 text-white" : "text-slate-400 hover:bg-slate-800/60 hover:text-white",
            )}
          >
            <Icon path={item.icon} className={joinClasses("h-5 w-5 shrink-0", active ? "text-sky-400" : "text-slate-500")} />
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}

function UserBox({ user, signOut }: { user: ShellUser; signOut: () => Promise<void> }) {
  return (
    <div className="border-t border-slate-800 pt-3">
      <div className="flex items-center gap-2 px-2">
        <span className="grid h-8 w-8 shrink-0 place-items-center rounded-full bg-slate-700 text-xs font-semibold uppercase text-slate-200">{(user.name ?? user.email).slice(0, 2)}</span>
        <div className="min-w-0 flex-1">
          <div className="truncate text-sm text-slate-200" data-testid="current-user">
            {user.name ?? user.email}
          </div>
          <div className="text-xs text-slate-500">{user.role}</div>
        </div>
      </div>
      <form action={signOut} className="mt-2 px-2">
        <button type="submit" className="w-full rounded-md px-2 py-1.5 text-left text-sm text-slate-400 hover:bg-slate-800 hover:text-white">
          Sign out
        </button>
      </form>
    </div>
  );
}

/** Sidebar on a laptop; a top bar with a slide-in drawer on a phone. */
export function AppShell({ user, signOut, children }: { user: ShellUser; signOut: () => Promise<void>; children: ReactNode }) {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [pathname]);

  return (
    <div className="min-h-screen lg:flex">
      {/* The column stretches with the page; its content is sticky, not fixed, so full-page screenshots draw it in place. */}
      <aside className="hidden w-60 shrink-0 bg-slate-900 lg:block">
        <div className="sticky top-0 flex h-screen flex-col gap-4 overflow-y-auto px-3 py-4">
          <Brand />
          <NavLinks pathname={pathname} />
          <UserBox user={user} signOut={signOut} />
        </div>
      </aside>

      <header className="sticky top-0 z-20 flex items-center justify-between bg-slate-900 px-4 py-2.5 lg:hidden">
        <Brand />
        <button type="button" aria-label="Open menu" aria-expanded={open} onClick={() => setOpen(true)} className="rounded-md p-1.5 text-slate-300 hover:bg-slate-800" data-testid="open-menu">
          <Icon path="M4 6h16M4 12h16M4 18h16" className="h-6 w-6" />
        </button>
      </header>

      {open ? (
        <div className="fixed inset-0 z-40 lg:hidden" role="dialog" aria-modal="true" aria-label="Menu">
          <button type="button" aria-label="Close menu" className="absolute inset-0 bg-slate-900/50" onClick={() => setOpen(false)} />
          <div className="absolute inset-y-0 left-0 flex w-72 max-w-[85vw] flex-col gap-4 bg-slate-900 px-3 py-4 shadow-xl">
            <Brand />
            <NavLinks pathname={pathname} onNavigate={() => setOpen(false)} />
            <UserBox user={user} signOut={signOut} />
          </div>
        </div>
      ) : null}

      <main className="mx-auto w-full min-w-0 max-w-7xl flex-1 px-4 py-6 sm:px-6 lg:px-8">{children}</main>
    </div>
  );
}
