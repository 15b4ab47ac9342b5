-- TRUNCATE fires no row or statement trigger of INSERT, UPDATE or DELETE: emptying "vms" that way empties
-- what the triggers keep from it too, so that the counts stay those of the VMs that exist.
CREATE FUNCTION "vm_counters_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM "account_vm_usage";
    DELETE FROM "vm_burn_changes";
    RETURN NULL;
END;
$$;

CREATE TRIGGER "vms_counters_truncate" AFTER TRUNCATE ON "vms"
    FOR EACH STATEMENT EXECUTE FUNCTION "vm_counters_truncate"();
