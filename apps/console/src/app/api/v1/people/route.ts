import { json, route } from "@/server/http/route";
import { listPeople } from "@/server/services/people";

export const dynamic = "force-dynamic";

export const GET = route("viewer", async ({ ctx }) => json({ people: listPeople(ctx) }));
