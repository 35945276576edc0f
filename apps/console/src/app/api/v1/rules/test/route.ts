import { readJson } from "@/server/http/body";
import { json, route } from "@/server/http/route";
import { RuleTestSchema, testRule } from "@/server/services/rules";

export const dynamic = "force-dynamic";

/** Pure evaluation of a rule on a sample message; nothing is stored or published. */
export const POST = route("viewer", async ({ req }) => json({ result: testRule(await readJson(req, RuleTestSchema)) }));
