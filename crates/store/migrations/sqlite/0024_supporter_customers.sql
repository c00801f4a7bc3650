-- A supporter's customer at the payment provider, when an import brought it (a
-- Ghost member who paid through Stripe): their subscriptions are read from Stripe.
ALTER TABLE supporters ADD COLUMN stripe_customer TEXT;
CREATE UNIQUE INDEX supporters_stripe_customer ON supporters (stripe_customer)
    WHERE stripe_customer IS NOT NULL;
