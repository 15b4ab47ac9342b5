-- CreateEnum
CREATE TYPE "WalletKind" AS ENUM ('account', 'platform_revenue', 'platform_funding');

-- CreateEnum
CREATE TYPE "LedgerTransactionType" AS ENUM ('credit', 'debit', 'refund', 'deposit', 'settlement', 'adjustment');

-- CreateEnum
CREATE TYPE "VolumeProvider" AS ENUM ('statemesh', 'local', 's3');

-- CreateTable
CREATE TABLE "wallets" (
    "id" TEXT NOT NULL,
    "kind" "WalletKind" NOT NULL,
    "accountId" TEXT,
    "balance" BIGINT NOT NULL DEFAULT 0,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "wallets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_transactions" (
    "id" TEXT NOT NULL,
    "type" "LedgerTransactionType" NOT NULL,
    "description" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "reference" TEXT,
    "metadata" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_transactions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_entries" (
    "id" BIGSERIAL NOT NULL,
    "transactionId" TEXT NOT NULL,
    "walletId" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,
    "balanceAfter" BIGINT NOT NULL,
    "role" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "price_lists" (
    "id" TEXT NOT NULL,
    "effectiveFrom" TIMESTAMPTZ(3) NOT NULL,
    "platformFeeBps" INTEGER NOT NULL,
    "publicUdpPortPerHour" BIGINT NOT NULL,
    "publicIpv4PerHour" BIGINT NOT NULL,
    "note" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "price_lists_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "instance_type_prices" (
    "priceListId" TEXT NOT NULL,
    "instanceType" TEXT NOT NULL,
    "perHour" BIGINT NOT NULL,

    CONSTRAINT "instance_type_prices_pkey" PRIMARY KEY ("priceListId","instanceType")
);

-- CreateTable
CREATE TABLE "volume_prices" (
    "priceListId" TEXT NOT NULL,
    "provider" "VolumeProvider" NOT NULL,
    "perGibHour" BIGINT NOT NULL,

    CONSTRAINT "volume_prices_pkey" PRIMARY KEY ("priceListId","provider")
);

-- CreateIndex
CREATE UNIQUE INDEX "wallets_accountId_key" ON "wallets"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_transactions_reference_key" ON "ledger_transactions"("reference");

-- CreateIndex
CREATE INDEX "ledger_transactions_createdAt_idx" ON "ledger_transactions"("createdAt");

-- CreateIndex
CREATE INDEX "ledger_entries_walletId_id_idx" ON "ledger_entries"("walletId", "id");

-- CreateIndex
CREATE INDEX "ledger_entries_transactionId_idx" ON "ledger_entries"("transactionId");

-- CreateIndex
CREATE UNIQUE INDEX "price_lists_effectiveFrom_key" ON "price_lists"("effectiveFrom");

-- AddForeignKey
ALTER TABLE "wallets" ADD CONSTRAINT "wallets_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_transactionId_fkey" FOREIGN KEY ("transactionId") REFERENCES "ledger_transactions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_walletId_fkey" FOREIGN KEY ("walletId") REFERENCES "wallets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "instance_type_prices" ADD CONSTRAINT "instance_type_prices_priceListId_fkey" FOREIGN KEY ("priceListId") REFERENCES "price_lists"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "volume_prices" ADD CONSTRAINT "volume_prices_priceListId_fkey" FOREIGN KEY ("priceListId") REFERENCES "price_lists"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------
-- Written by hand: rules that the Prisma schema language cannot express. The schema
-- diff ignores checks, functions and triggers, so they stay out of later diffs.
-- ---------------------------------------------------------------------------

-- Account wallets belong to an account; platform wallets to none, and there is
-- exactly one of each platform kind: its id is its kind.
ALTER TABLE "wallets" ADD CONSTRAINT "wallets_owner_check"
    CHECK (("kind" = 'account') = ("accountId" IS NOT NULL) AND ("kind" = 'account' OR "id" = "kind"::text));

-- An entry moves money; a zero entry would only add noise to statements.
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_amount_check" CHECK ("amount" <> 0);

ALTER TABLE "price_lists" ADD CONSTRAINT "price_lists_values_check"
    CHECK ("platformFeeBps" BETWEEN 0 AND 10000
       AND "publicUdpPortPerHour" >= 0
       AND "publicIpv4PerHour" >= 0
       AND mod(extract(epoch FROM "effectiveFrom"), 3600) = 0);
ALTER TABLE "instance_type_prices" ADD CONSTRAINT "instance_type_prices_amount_check" CHECK ("perHour" >= 0);
ALTER TABLE "volume_prices" ADD CONSTRAINT "volume_prices_amount_check" CHECK ("perGibHour" >= 0);

-- The wallets of the platform itself.
INSERT INTO "wallets" ("id", "kind") VALUES ('platform_revenue', 'platform_revenue'), ('platform_funding', 'platform_funding');

-- Every account that exists already gets its wallet.
INSERT INTO "wallets" ("id", "kind", "accountId")
SELECT substr(md5(random()::text || "id"), 1, 18), 'account', "id" FROM "accounts";

-- Ledger rows are never changed or removed: corrections are new transactions.
CREATE FUNCTION "ledger_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed; post a correcting transaction instead', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER "ledger_entries_append_only" BEFORE UPDATE OR DELETE OR TRUNCATE ON "ledger_entries"
    FOR EACH STATEMENT EXECUTE FUNCTION "ledger_refuse_change"();
CREATE TRIGGER "ledger_transactions_append_only" BEFORE UPDATE OR DELETE OR TRUNCATE ON "ledger_transactions"
    FOR EACH STATEMENT EXECUTE FUNCTION "ledger_refuse_change"();

-- Double entry: after any statement inserting entries, every transaction it
-- touched sums to zero. So all entries of a transaction go in one INSERT.
CREATE FUNCTION "ledger_assert_balanced"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    unbalanced TEXT;
BEGIN
    SELECT e."transactionId" INTO unbalanced
    FROM "ledger_entries" e
    WHERE e."transactionId" IN (SELECT DISTINCT "transactionId" FROM inserted)
    GROUP BY e."transactionId"
    HAVING sum(e."amount") <> 0
    LIMIT 1;
    IF unbalanced IS NOT NULL THEN
        RAISE EXCEPTION 'ledger transaction % does not balance: its entries must sum to zero', unbalanced
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER "ledger_entries_balanced" AFTER INSERT ON "ledger_entries"
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION "ledger_assert_balanced"();

-- An account is born with its wallet: checked when the creating transaction commits.
CREATE FUNCTION "accounts_assert_wallet"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM "wallets" WHERE "accountId" = NEW."id") THEN
        RAISE EXCEPTION 'account % has no wallet: create it in the transaction that creates the account', NEW."id"
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER "accounts_have_wallet" AFTER INSERT ON "accounts"
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "accounts_assert_wallet"();
