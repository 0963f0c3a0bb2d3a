-- Append-only on PostgreSQL. An UPDATE may only complete an entry once (status from NULL, target_id
-- from NULL); every other UPDATE, and every DELETE, is refused, except a DELETE in a transaction that
-- set switchboard.audit_purge = 'on' (SET LOCAL, as the retention purge does). This guards against
-- application bugs and casual edits; an operator who wants it to hold against a database owner too runs
-- the server as a role without DELETE/TRUNCATE on audit_log and purges as a separate role.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    expected audit_log;
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF coalesce(current_setting('switchboard.audit_purge', true), '') = 'on' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit_log is append-only: rows are deleted only by the retention purge';
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.status IS NULL AND NEW.status IS NOT NULL THEN
        expected := OLD;
        expected.status := NEW.status;
        expected.target_id := coalesce(OLD.target_id, NEW.target_id);
        IF NEW IS NOT DISTINCT FROM expected THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only: an entry is completed once and never changed';
END
$$;

CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE FUNCTION audit_log_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: TRUNCATE is refused';
END
$$;

CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_no_truncate();
