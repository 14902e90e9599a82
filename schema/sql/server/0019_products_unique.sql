-- The product catalogue on the hub (domain migration 0018): a part number names one product.
-- The product store checks it in the write's transaction and says which product has it; this
-- index is the backstop for any other writer. Hub only: a replica stores pulled rows in the order
-- of their latest change, where two parts that swapped numbers could meet mid-page.
CREATE UNIQUE INDEX products_part_number_unique ON products (part_number);
