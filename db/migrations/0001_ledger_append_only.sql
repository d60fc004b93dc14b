-- The money ledger is append-only: the database itself refuses to change or remove a row.
-- Corrections are new entries. TRUNCATE is refused too (it bypasses row triggers).
CREATE OR REPLACE FUNCTION billing_ledger_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'billing_ledger is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER billing_ledger_no_update_or_delete
  BEFORE UPDATE OR DELETE ON billing_ledger
  FOR EACH ROW EXECUTE FUNCTION billing_ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER billing_ledger_no_truncate
  BEFORE TRUNCATE ON billing_ledger
  FOR EACH STATEMENT EXECUTE FUNCTION billing_ledger_refuse_change();
