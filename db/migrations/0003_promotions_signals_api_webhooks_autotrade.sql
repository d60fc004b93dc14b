CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"prefix" text NOT NULL,
	"secret_hash" text NOT NULL,
	"name" text DEFAULT '' NOT NULL,
	"scopes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" text NOT NULL,
	"rotated_from_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "login_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"token_hash" text NOT NULL,
	"user_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"consumed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "refresh_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"token_hash" text NOT NULL,
	"family_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"replaced_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "autotrade_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"enabled" boolean NOT NULL,
	"currency" text NOT NULL,
	"starting_balance_minor" bigint NOT NULL,
	"balance_minor" bigint NOT NULL,
	"realised_pnl_minor" bigint DEFAULT 0 NOT NULL,
	"position_notional_minor" bigint NOT NULL,
	"enabled_at" timestamp with time zone,
	"disabled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "autotrade_fills" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"position_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"signal_id" text NOT NULL,
	"leg" text NOT NULL,
	"price" numeric NOT NULL,
	"quantity" numeric NOT NULL,
	"realised_pnl_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"filled_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "autotrade_followed_signals" (
	"signal_id" text PRIMARY KEY NOT NULL,
	"orders_placed" integer NOT NULL,
	"followed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "autotrade_positions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"signal_id" text NOT NULL,
	"instrument" text NOT NULL,
	"side" text NOT NULL,
	"entry_price" numeric NOT NULL,
	"stop_price" numeric NOT NULL,
	"target_prices" jsonb NOT NULL,
	"quantity" numeric NOT NULL,
	"remaining_quantity" numeric NOT NULL,
	"targets_hit" integer DEFAULT 0 NOT NULL,
	"notional_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"realised_pnl_minor" bigint DEFAULT 0 NOT NULL,
	"unrealised_pnl_minor" bigint DEFAULT 0 NOT NULL,
	"status" text NOT NULL,
	"close_reason" text,
	"last_tick_at" timestamp with time zone,
	"last_price" numeric,
	"expires_at" timestamp with time zone NOT NULL,
	"opened_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"event_id" text NOT NULL,
	"endpoint_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_status_code" integer,
	"last_error" text,
	"response_excerpt" text,
	"next_attempt_at" timestamp with time zone,
	"window_started_at" timestamp with time zone,
	"last_attempt_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"locked_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_endpoints" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"url" text NOT NULL,
	"events" jsonb NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"disabled_reason" text,
	"disabled_at" timestamp with time zone,
	"secret_ciphertext" text NOT NULL,
	"secret_rotated_at" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"last_failure_at" timestamp with time zone,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"source_key" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "promotion_redemptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"promotion_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"checkout_session_id" uuid,
	"redeemed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "promotions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"percent_off" integer,
	"amount_off_minor" bigint,
	"currency" text,
	"duration" text NOT NULL,
	"duration_in_months" integer,
	"plan_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"max_redemptions" integer,
	"expires_at" timestamp with time zone,
	"active" boolean DEFAULT true NOT NULL,
	"stripe_coupon_id" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"disabled_by" text,
	"disabled_at" timestamp with time zone,
	CONSTRAINT "promotions_discount_exactly_one" CHECK (("promotions"."percent_off" IS NOT NULL AND "promotions"."percent_off" BETWEEN 1 AND 100 AND "promotions"."amount_off_minor" IS NULL AND "promotions"."currency" IS NULL) OR ("promotions"."percent_off" IS NULL AND "promotions"."amount_off_minor" IS NOT NULL AND "promotions"."amount_off_minor" > 0 AND "promotions"."currency" IS NOT NULL)),
	CONSTRAINT "promotions_duration_valid" CHECK (("promotions"."duration" IN ('once', 'forever') AND "promotions"."duration_in_months" IS NULL) OR ("promotions"."duration" = 'repeating' AND "promotions"."duration_in_months" BETWEEN 1 AND 120)),
	CONSTRAINT "promotions_max_redemptions_positive" CHECK ("promotions"."max_redemptions" IS NULL OR "promotions"."max_redemptions" > 0)
);
--> statement-breakpoint
CREATE TABLE "signal_channels" (
	"plan_id" text NOT NULL,
	"platform" text NOT NULL,
	"channel_id" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "signal_channels_plan_id_platform_pk" PRIMARY KEY("plan_id","platform")
);
--> statement-breakpoint
CREATE TABLE "signal_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"signal_id" uuid NOT NULL,
	"recipient_key" text NOT NULL,
	"user_id" uuid,
	"kind" text NOT NULL,
	"platform" text NOT NULL,
	"target" text NOT NULL,
	"status" text NOT NULL,
	"plan_id" text NOT NULL,
	"daily_limit" integer NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error_code" text,
	"created_at" timestamp with time zone NOT NULL,
	"claimed_at" timestamp with time zone,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "signal_preferences" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"enabled" boolean NOT NULL,
	"mode" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signal_quota_notices" (
	"user_id" uuid NOT NULL,
	"day" date NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "signal_quota_notices_user_id_day_pk" PRIMARY KEY("user_id","day")
);
--> statement-breakpoint
CREATE TABLE "signals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"sequence" integer NOT NULL,
	"idempotency_key" text NOT NULL,
	"instrument" text NOT NULL,
	"side" text NOT NULL,
	"entry" text NOT NULL,
	"stop" text NOT NULL,
	"targets" jsonb NOT NULL,
	"note" text,
	"published_by" text NOT NULL,
	"published_at" timestamp with time zone NOT NULL,
	"previous_hash" text NOT NULL,
	"hash" text NOT NULL,
	"fanout_status" text DEFAULT 'planning' NOT NULL,
	"fanout_cursor" uuid,
	"fanout_updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "checkout_sessions" ADD COLUMN "promotion_code" text;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "login_tokens" ADD CONSTRAINT "login_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refresh_tokens" ADD CONSTRAINT "refresh_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "autotrade_accounts" ADD CONSTRAINT "autotrade_accounts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "autotrade_fills" ADD CONSTRAINT "autotrade_fills_position_id_autotrade_positions_id_fk" FOREIGN KEY ("position_id") REFERENCES "public"."autotrade_positions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "autotrade_fills" ADD CONSTRAINT "autotrade_fills_account_id_autotrade_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."autotrade_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "autotrade_positions" ADD CONSTRAINT "autotrade_positions_account_id_autotrade_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."autotrade_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "autotrade_positions" ADD CONSTRAINT "autotrade_positions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_event_id_webhook_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."webhook_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_webhook_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."webhook_endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotion_redemptions" ADD CONSTRAINT "promotion_redemptions_promotion_id_promotions_id_fk" FOREIGN KEY ("promotion_id") REFERENCES "public"."promotions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotion_redemptions" ADD CONSTRAINT "promotion_redemptions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotion_redemptions" ADD CONSTRAINT "promotion_redemptions_checkout_session_id_checkout_sessions_id_fk" FOREIGN KEY ("checkout_session_id") REFERENCES "public"."checkout_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signal_deliveries" ADD CONSTRAINT "signal_deliveries_signal_id_signals_id_fk" FOREIGN KEY ("signal_id") REFERENCES "public"."signals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signal_deliveries" ADD CONSTRAINT "signal_deliveries_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signal_preferences" ADD CONSTRAINT "signal_preferences_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signal_quota_notices" ADD CONSTRAINT "signal_quota_notices_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_prefix_unique" ON "api_keys" USING btree ("prefix");--> statement-breakpoint
CREATE INDEX "api_keys_user_idx" ON "api_keys" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "login_tokens_hash_unique" ON "login_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "refresh_tokens_hash_unique" ON "refresh_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "refresh_tokens_family_idx" ON "refresh_tokens" USING btree ("family_id");--> statement-breakpoint
CREATE UNIQUE INDEX "autotrade_accounts_user_unique" ON "autotrade_accounts" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "autotrade_accounts_enabled_idx" ON "autotrade_accounts" USING btree ("enabled");--> statement-breakpoint
CREATE UNIQUE INDEX "autotrade_fills_account_signal_leg_unique" ON "autotrade_fills" USING btree ("account_id","signal_id","leg");--> statement-breakpoint
CREATE INDEX "autotrade_fills_account_filled_idx" ON "autotrade_fills" USING btree ("account_id","filled_at");--> statement-breakpoint
CREATE UNIQUE INDEX "autotrade_positions_account_signal_unique" ON "autotrade_positions" USING btree ("account_id","signal_id");--> statement-breakpoint
CREATE INDEX "autotrade_positions_status_idx" ON "autotrade_positions" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_event_endpoint_unique" ON "webhook_deliveries" USING btree ("event_id","endpoint_id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_endpoint_idx" ON "webhook_deliveries" USING btree ("endpoint_id","created_at");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "webhook_endpoints_user_idx" ON "webhook_endpoints" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_events_source_unique" ON "webhook_events" USING btree ("source_key");--> statement-breakpoint
CREATE UNIQUE INDEX "promotion_redemptions_member_unique" ON "promotion_redemptions" USING btree ("promotion_id","user_id");--> statement-breakpoint
CREATE INDEX "promotion_redemptions_user_idx" ON "promotion_redemptions" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "promotions_code_unique" ON "promotions" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "signal_deliveries_recipient_unique" ON "signal_deliveries" USING btree ("signal_id","recipient_key");--> statement-breakpoint
CREATE INDEX "signal_deliveries_due_idx" ON "signal_deliveries" USING btree ("due_at") WHERE "signal_deliveries"."status" = 'queued';--> statement-breakpoint
CREATE INDEX "signal_deliveries_user_idx" ON "signal_deliveries" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "signals_sequence_unique" ON "signals" USING btree ("sequence");--> statement-breakpoint
CREATE UNIQUE INDEX "signals_idempotency_key_unique" ON "signals" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "signals_published_at_idx" ON "signals" USING btree ("published_at");--> statement-breakpoint
CREATE INDEX "signals_fanout_idx" ON "signals" USING btree ("fanout_status") WHERE "signals"."fanout_status" = 'planning';