-- Normalised identity keys of live customers, so that a new or renamed customer is checked for
-- possible duplicates by two index lookups instead of a scan of its city (duplicate_detector.h).
CREATE TABLE fb_customer_keys (
  customer_id   TEXT PRIMARY KEY NOT NULL,
  phone_key     TEXT,  -- NormalizePhone(phone), NULL when too short to identify anyone
  name_city_key TEXT   -- NormalizeName(name) || '|' || NormalizeName(city), NULL without a name
) WITHOUT ROWID;
CREATE INDEX fb_customer_keys_phone ON fb_customer_keys (phone_key);
CREATE INDEX fb_customer_keys_name_city ON fb_customer_keys (name_city_key);
