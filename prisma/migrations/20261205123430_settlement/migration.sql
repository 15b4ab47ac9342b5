-- CreateEnum
CREATE TYPE "UsageResourceKind" AS ENUM ('vm', 'volume');

-- AlterTable
ALTER TABLE "wallets" ADD COLUMN     "arrearsSince" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "settlement_cursors" (
    "source" "UsageResourceKind" NOT NULL,
    "settledUntil" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "settlement_cursors_pkey" PRIMARY KEY ("source")
);

-- CreateTable
CREATE TABLE "settlement_lines" (
    "id" TEXT NOT NULL,
    "resourceKind" "UsageResourceKind" NOT NULL,
    "resourceId" TEXT NOT NULL,
    "periodStart" TIMESTAMPTZ(3) NOT NULL,
    "periodEnd" TIMESTAMPTZ(3) NOT NULL,
    "accountId" TEXT NOT NULL,
    "seconds" INTEGER NOT NULL,
    "chargeMicro" BIGINT NOT NULL,
    "transactionId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "settlement_lines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "settlement_line_parts" (
    "lineId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "component" TEXT NOT NULL,
    "nodeId" TEXT,
    "operatorAccountId" TEXT,
    "periodStart" TIMESTAMPTZ(3) NOT NULL,
    "seconds" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,
    "pricePerHourMicro" BIGINT NOT NULL,
    "chargeMicro" BIGINT NOT NULL,
    "operatorShareMicro" BIGINT NOT NULL,
    "platformFeeMicro" BIGINT NOT NULL,

    CONSTRAINT "settlement_line_parts_pkey" PRIMARY KEY ("lineId","position")
);

-- CreateIndex
CREATE INDEX "settlement_lines_accountId_periodStart_idx" ON "settlement_lines"("accountId", "periodStart");

-- CreateIndex
CREATE UNIQUE INDEX "settlement_lines_resourceKind_resourceId_periodStart_key" ON "settlement_lines"("resourceKind", "resourceId", "periodStart");

-- CreateIndex
CREATE INDEX "settlement_line_parts_operatorAccountId_periodStart_nodeId_idx" ON "settlement_line_parts"("operatorAccountId", "periodStart", "nodeId");

-- CreateIndex
CREATE INDEX "wallets_arrearsSince_idx" ON "wallets"("arrearsSince");

-- AddForeignKey
ALTER TABLE "settlement_line_parts" ADD CONSTRAINT "settlement_line_parts_lineId_fkey" FOREIGN KEY ("lineId") REFERENCES "settlement_lines"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Written by hand: the schema diff does not see functions and triggers.
-- Arrears: an account wallet records when its balance first went below zero,
-- and forgets it once the balance is back at zero or more. Kept on every
-- balance change, whichever movement makes it (settlement, credits, deposits,
-- refunds, admin debits), in the statement that changes the balance.
CREATE FUNCTION "wallets_track_arrears"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW."balance" < 0 THEN
        NEW."arrearsSince" := COALESCE(OLD."arrearsSince", statement_timestamp());
    ELSE
        NEW."arrearsSince" := NULL;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER "wallets_arrears" BEFORE UPDATE OF "balance" ON "wallets"
    FOR EACH ROW WHEN (NEW."kind" = 'account') EXECUTE FUNCTION "wallets_track_arrears"();

-- Settled usage is history, like the ledger it explains: never changed or removed.
CREATE TRIGGER "settlement_lines_append_only" BEFORE UPDATE OR DELETE OR TRUNCATE ON "settlement_lines"
    FOR EACH STATEMENT EXECUTE FUNCTION "ledger_refuse_change"();
CREATE TRIGGER "settlement_line_parts_append_only" BEFORE UPDATE OR DELETE OR TRUNCATE ON "settlement_line_parts"
    FOR EACH STATEMENT EXECUTE FUNCTION "ledger_refuse_change"();
