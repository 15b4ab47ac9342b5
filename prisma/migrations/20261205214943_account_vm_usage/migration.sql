-- CreateTable
CREATE TABLE "account_vm_usage" (
    "accountId" TEXT NOT NULL,
    "vms" INTEGER NOT NULL DEFAULT 0,
    "vcpu" BIGINT NOT NULL DEFAULT 0,
    "memoryMib" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "account_vm_usage_pkey" PRIMARY KEY ("accountId")
);

-- AddForeignKey
ALTER TABLE "account_vm_usage" ADD CONSTRAINT "account_vm_usage_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- What each account's live VMs hold, kept by the statements that change VMs: one upsert per statement and
-- account (the transition tables summed), in account order so that concurrent statements lock the rows alike.
-- A VM is live until it is deleted (status 'deleted', deletedAt set). Statements that leave every account's
-- sums as they were (placement, status reports) write nothing.
CREATE FUNCTION "account_vm_usage_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO "account_vm_usage" AS u ("accountId", "vms", "vcpu", "memoryMib")
        SELECT n."accountId", count(*), sum(n."vcpu"), sum(n."memoryMib")
        FROM new_vms n WHERE n."status" <> 'deleted' AND n."deletedAt" IS NULL
        GROUP BY n."accountId" ORDER BY n."accountId"
        ON CONFLICT ("accountId") DO UPDATE
            SET "vms" = u."vms" + EXCLUDED."vms", "vcpu" = u."vcpu" + EXCLUDED."vcpu", "memoryMib" = u."memoryMib" + EXCLUDED."memoryMib";
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO "account_vm_usage" AS u ("accountId", "vms", "vcpu", "memoryMib")
        SELECT d."accountId", sum(d."n"), sum(d."n" * d."vcpu"), sum(d."n" * d."memoryMib")
        FROM (
            SELECT n."accountId", 1 AS "n", n."vcpu"::bigint AS "vcpu", n."memoryMib"::bigint AS "memoryMib"
            FROM new_vms n WHERE n."status" <> 'deleted' AND n."deletedAt" IS NULL
            UNION ALL
            SELECT o."accountId", -1, o."vcpu", o."memoryMib"
            FROM old_vms o WHERE o."status" <> 'deleted' AND o."deletedAt" IS NULL
        ) d
        GROUP BY d."accountId"
        HAVING sum(d."n") <> 0 OR sum(d."n" * d."vcpu") <> 0 OR sum(d."n" * d."memoryMib") <> 0
        ORDER BY d."accountId"
        ON CONFLICT ("accountId") DO UPDATE
            SET "vms" = u."vms" + EXCLUDED."vms", "vcpu" = u."vcpu" + EXCLUDED."vcpu", "memoryMib" = u."memoryMib" + EXCLUDED."memoryMib";
    ELSE
        UPDATE "account_vm_usage" u
        SET "vms" = u."vms" - d."vms", "vcpu" = u."vcpu" - d."vcpu", "memoryMib" = u."memoryMib" - d."memoryMib"
        FROM (
            SELECT o."accountId", count(*) AS "vms", sum(o."vcpu") AS "vcpu", sum(o."memoryMib") AS "memoryMib"
            FROM old_vms o WHERE o."status" <> 'deleted' AND o."deletedAt" IS NULL
            GROUP BY o."accountId"
        ) d
        WHERE u."accountId" = d."accountId";
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER "vms_usage_insert" AFTER INSERT ON "vms"
    REFERENCING NEW TABLE AS new_vms FOR EACH STATEMENT EXECUTE FUNCTION "account_vm_usage_apply"();
CREATE TRIGGER "vms_usage_update" AFTER UPDATE ON "vms"
    REFERENCING OLD TABLE AS old_vms NEW TABLE AS new_vms FOR EACH STATEMENT EXECUTE FUNCTION "account_vm_usage_apply"();
CREATE TRIGGER "vms_usage_delete" AFTER DELETE ON "vms"
    REFERENCING OLD TABLE AS old_vms FOR EACH STATEMENT EXECUTE FUNCTION "account_vm_usage_apply"();

-- The VMs that exist now.
INSERT INTO "account_vm_usage" ("accountId", "vms", "vcpu", "memoryMib")
SELECT "accountId", count(*), sum("vcpu"), sum("memoryMib") FROM "vms"
WHERE "status" <> 'deleted' AND "deletedAt" IS NULL
GROUP BY "accountId";
