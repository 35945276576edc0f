/**
 * The password rule for console users (API, CLI, first-admin form, EDGELENS_ADMIN_PASSWORD):
 * at least 10 characters, not a common password, not one character or an ascending run repeated.
 */
import { z } from "zod";
import { COMMON_PASSWORDS } from "./common-passwords";

export const MIN_PASSWORD_LENGTH = 10;

function isRun(text: string): boolean {
  if (new Set(text).size <= 2) return true;
  const codes = [...text].map((c) => c.charCodeAt(0));
  return codes.every((c, i) => i === 0 || c - codes[i - 1]! === 1) || codes.every((c, i) => i === 0 || codes[i - 1]! - c === 1);
}

/** Why a password is refused, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  const plain = password.toLowerCase();
  // "Password123!" is "password123" with decoration: strip trailing digits and symbols too.
  const stem = plain.replace(/[\d\W_]+$/, "");
  if (COMMON_PASSWORDS.has(plain) || COMMON_PASSWORDS.has(stem) || isRun(plain)) return "password is too common; choose a longer phrase of your own";
  return null;
}

export const PasswordSchema = z
  .string()
  .max(256)
  .superRefine((value, ctx) => {
    const problem = passwordProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
