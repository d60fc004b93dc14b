CREATE TABLE "crypto_invoices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"provider" text NOT NULL,
	"provider_invoice_id" text NOT NULL,
	"user_id" uuid NOT NULL,
	"checkout_id" uuid,
	"plan_price_id" text,
	"price_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"outcome" text DEFAULT 'waiting' NOT NULL,
	"settled_minor" bigint DEFAULT 0 NOT NULL,
	"credited_minor" bigint DEFAULT 0 NOT NULL,
	"purchase_id" uuid,
	"last_state" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "crypto_invoices" ADD CONSTRAINT "crypto_invoices_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crypto_invoices" ADD CONSTRAINT "crypto_invoices_plan_price_id_plan_prices_id_fk" FOREIGN KEY ("plan_price_id") REFERENCES "public"."plan_prices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "crypto_invoices_provider_invoice_unique" ON "crypto_invoices" USING btree ("provider","provider_invoice_id");--> statement-breakpoint
CREATE INDEX "crypto_invoices_user_idx" ON "crypto_invoices" USING btree ("user_id");