CREATE TABLE "rate_budgets" (
	"name" text PRIMARY KEY NOT NULL,
	"tokens" double precision NOT NULL,
	"refilled_at_ms" bigint NOT NULL
);
