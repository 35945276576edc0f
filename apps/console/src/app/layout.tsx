import type { Metadata } from "next";
import { connection } from "next/server";
import "./globals.css";

export const metadata: Metadata = { title: "Edgelens", description: "Self-hosted edge vision" };

/**
 * Every page renders per request: the proxy's CSP nonce must reach the scripts of each response,
 * which a page prerendered at build time could not carry (docs/production.md "Security").
 */
export default async function RootLayout({ children }: { children: React.ReactNode }) {
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">{children}</body>
    </html>
  );
}
