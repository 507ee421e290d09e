import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys carry scopes (existing keys keep every scope), and revoking or deleting a key
 * notifies `wink_api_key_revoked` with its hash, so every instance drops it from its cache.
 */
export class ApiKeyScopes1764620000000 implements MigrationInterface {
  name = 'ApiKeyScopes1764620000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys
      ADD COLUMN scopes text[] NOT NULL DEFAULT ARRAY['ingest', 'read', 'admin'],
      ADD CONSTRAINT api_keys_scopes_known
        CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['ingest', 'read', 'admin'])`);
    await q.query(`CREATE FUNCTION wink_api_key_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('wink_api_key_revoked', OLD.key_hash);
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER api_keys_revoked AFTER UPDATE OF revoked_at ON api_keys
      FOR EACH ROW WHEN (NEW.revoked_at IS NOT NULL AND OLD.revoked_at IS NULL)
      EXECUTE FUNCTION wink_api_key_revoked()`);
    await q.query(`CREATE TRIGGER api_keys_deleted AFTER DELETE ON api_keys
      FOR EACH ROW EXECUTE FUNCTION wink_api_key_revoked()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER api_keys_deleted ON api_keys`);
    await q.query(`DROP TRIGGER api_keys_revoked ON api_keys`);
    await q.query(`DROP FUNCTION wink_api_key_revoked()`);
    await q.query(`ALTER TABLE api_keys DROP CONSTRAINT api_keys_scopes_known, DROP COLUMN scopes`);
  }
}
