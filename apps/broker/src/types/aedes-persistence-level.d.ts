/** aedes-persistence-level 9 ships no typings; this is the part the broker uses. */
declare module "aedes-persistence-level" {
  export interface LevelPersistence {
    setup(broker: unknown): Promise<void>;
    destroy(): Promise<void>;
  }
  const createPersistence: (db: unknown) => LevelPersistence;
  export default createPersistence;
}
