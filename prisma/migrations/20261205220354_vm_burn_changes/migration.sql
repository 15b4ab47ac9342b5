-- CreateTable
CREATE TABLE "vm_burn_changes" (
    "id" BIGSERIAL NOT NULL,
    "accountId" TEXT NOT NULL,
    "instanceType" TEXT NOT NULL,
    "vms" INTEGER NOT NULL,

    CONSTRAINT "vm_burn_changes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "vm_burn_changes_accountId_instanceType_vms_idx" ON "vm_burn_changes"("accountId", "instanceType", "vms");

-- Every statement that moves VMs in or out of costing money appends one change per account and instance type
-- it moved (the transition tables summed; pairs whose count did not change append nothing). Appends take no
-- lock another writer waits for, whatever the locks the writing transaction holds (a placement round holds its
-- nodes' rows, a deletion releases its node's capacity after its VM changed): readers sum the changes.
-- A VM costs money while running or about to (scheduled, provisioning, starting) and not deleted.
CREATE FUNCTION "vm_burn_changes_append"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO "vm_burn_changes" ("accountId", "instanceType", "vms")
        SELECT n."accountId", n."instanceType", count(*)
        FROM new_vms n WHERE n."status" IN ('running', 'provisioning', 'starting', 'scheduled') AND n."deletedAt" IS NULL
        GROUP BY n."accountId", n."instanceType";
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO "vm_burn_changes" ("accountId", "instanceType", "vms")
        SELECT d."accountId", d."instanceType", sum(d."n")
        FROM (
            SELECT n."accountId", n."instanceType", 1 AS "n"
            FROM new_vms n WHERE n."status" IN ('running', 'provisioning', 'starting', 'scheduled') AND n."deletedAt" IS NULL
            UNION ALL
            SELECT o."accountId", o."instanceType", -1
            FROM old_vms o WHERE o."status" IN ('running', 'provisioning', 'starting', 'scheduled') AND o."deletedAt" IS NULL
        ) d
        GROUP BY d."accountId", d."instanceType"
        HAVING sum(d."n") <> 0;
    ELSE
        INSERT INTO "vm_burn_changes" ("accountId", "instanceType", "vms")
        SELECT o."accountId", o."instanceType", -count(*)
        FROM old_vms o WHERE o."status" IN ('running', 'provisioning', 'starting', 'scheduled') AND o."deletedAt" IS NULL
        GROUP BY o."accountId", o."instanceType";
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER "vms_burn_insert" AFTER INSERT ON "vms"
    REFERENCING NEW TABLE AS new_vms FOR EACH STATEMENT EXECUTE FUNCTION "vm_burn_changes_append"();
CREATE TRIGGER "vms_burn_update" AFTER UPDATE ON "vms"
    REFERENCING OLD TABLE AS old_vms NEW TABLE AS new_vms FOR EACH STATEMENT EXECUTE FUNCTION "vm_burn_changes_append"();
CREATE TRIGGER "vms_burn_delete" AFTER DELETE ON "vms"
    REFERENCING OLD TABLE AS old_vms FOR EACH STATEMENT EXECUTE FUNCTION "vm_burn_changes_append"();

-- The VMs that cost money now.
INSERT INTO "vm_burn_changes" ("accountId", "instanceType", "vms")
SELECT "accountId", "instanceType", count(*) FROM "vms"
WHERE "status" IN ('running', 'provisioning', 'starting', 'scheduled') AND "deletedAt" IS NULL
GROUP BY "accountId", "instanceType";
