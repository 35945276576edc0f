/** aedes-persistence-redis 11 ships no typings; it has aedes-persistence's callback API, as level's. */
declare module "aedes-persistence-redis" {
  import type { LevelPersistence } from "aedes-persistence-level";
  const createPersistence: (opts: { conn: unknown; maxSessionDelivery?: number }) => LevelPersistence;
  export default createPersistence;
}
