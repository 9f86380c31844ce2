-- Keeps products.review_count and products.rating_sum equal to the aggregates over ALL reviews
-- (the seed averaged only the latest 10). A trigger, not application code, so every writer
-- (API, admin tools, demo loader, a manual fix in psql) keeps them right, in the same transaction.
CREATE FUNCTION reviews_maintain_product_aggregates() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE products SET review_count = review_count - 1, rating_sum = rating_sum - OLD.rating
    WHERE id = OLD.product_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE products SET review_count = review_count + 1, rating_sum = rating_sum + NEW.rating
    WHERE id = NEW.product_id;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER reviews_product_aggregates
AFTER INSERT OR UPDATE OF rating, product_id OR DELETE ON reviews
FOR EACH ROW EXECUTE FUNCTION reviews_maintain_product_aggregates();
