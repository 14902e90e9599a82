-- The ranking population of provisional grading, kept up to date incrementally (issue #18):
-- quintile rules rank a customer among every customer with orders on the device, by three
-- figures per customer — the day of its last order, and its orders and spend in the rules'
-- window. Instead of reading every order on the device at each `order add`, the device keeps
-- those figures per customer here (client/store/grade_population.h) and refreshes only the
-- customers whose orders changed since (marked by the triggers below), or all of them when the
-- day or the window changed. The fb_ prefix keeps these tables out of the catalog: never
-- captured, never replicated.
CREATE TABLE fb_grade_population (
  customer_id      TEXT PRIMARY KEY NOT NULL,
  last_day         TEXT NOT NULL,     -- YYYY-MM-DD of the last order that counts, up to today
  orders_in_window INTEGER NOT NULL,  -- orders that count in (today - window, today]
  cents_in_window  INTEGER NOT NULL
) WITHOUT ROWID;

-- What the figures were computed for; no row: never computed (the next use computes all).
CREATE TABLE fb_grade_population_basis (
  one         INTEGER PRIMARY KEY CHECK (one = 1),
  today       TEXT NOT NULL,
  window_days INTEGER NOT NULL
);

-- Customers whose figures may have changed since they were computed.
CREATE TABLE fb_grade_population_dirty (
  customer_id TEXT PRIMARY KEY NOT NULL
) WITHOUT ROWID;

-- Any change to a customer's orders (recorded here or pulled), or to whether the customer is
-- deleted, marks it, while there are figures to keep up to date. (Not INSERT OR IGNORE: the
-- conflict policy of the statement that fires a trigger overrides the trigger's own.)
CREATE TRIGGER fb_grade_population_order_insert AFTER INSERT ON orders
WHEN NEW.customer_id IS NOT NULL AND EXISTS (SELECT 1 FROM fb_grade_population_basis)
BEGIN
  INSERT INTO fb_grade_population_dirty (customer_id) SELECT NEW.customer_id
    WHERE NOT EXISTS (SELECT 1 FROM fb_grade_population_dirty WHERE customer_id = NEW.customer_id);
END;
CREATE TRIGGER fb_grade_population_order_update AFTER UPDATE ON orders
WHEN EXISTS (SELECT 1 FROM fb_grade_population_basis)
BEGIN
  INSERT INTO fb_grade_population_dirty (customer_id) SELECT NEW.customer_id
    WHERE NEW.customer_id IS NOT NULL AND NOT EXISTS
      (SELECT 1 FROM fb_grade_population_dirty WHERE customer_id = NEW.customer_id);
  INSERT INTO fb_grade_population_dirty (customer_id) SELECT OLD.customer_id
    WHERE OLD.customer_id IS NOT NULL AND NOT EXISTS
      (SELECT 1 FROM fb_grade_population_dirty WHERE customer_id = OLD.customer_id);
END;
CREATE TRIGGER fb_grade_population_order_delete AFTER DELETE ON orders
WHEN OLD.customer_id IS NOT NULL AND EXISTS (SELECT 1 FROM fb_grade_population_basis)
BEGIN
  INSERT INTO fb_grade_population_dirty (customer_id) SELECT OLD.customer_id
    WHERE NOT EXISTS (SELECT 1 FROM fb_grade_population_dirty WHERE customer_id = OLD.customer_id);
END;
CREATE TRIGGER fb_grade_population_customer_insert AFTER INSERT ON customers
WHEN NEW.deleted <> 0 AND EXISTS (SELECT 1 FROM fb_grade_population_basis)
BEGIN
  INSERT INTO fb_grade_population_dirty (customer_id) SELECT NEW.id
    WHERE NOT EXISTS (SELECT 1 FROM fb_grade_population_dirty WHERE customer_id = NEW.id);
END;
CREATE TRIGGER fb_grade_population_customer_update AFTER UPDATE OF deleted ON customers
WHEN NEW.deleted IS NOT OLD.deleted AND EXISTS (SELECT 1 FROM fb_grade_population_basis)
BEGIN
  INSERT INTO fb_grade_population_dirty (customer_id) SELECT NEW.id
    WHERE NOT EXISTS (SELECT 1 FROM fb_grade_population_dirty WHERE customer_id = NEW.id);
END;
CREATE TRIGGER fb_grade_population_customer_delete AFTER DELETE ON customers
WHEN EXISTS (SELECT 1 FROM fb_grade_population_basis)
BEGIN
  INSERT INTO fb_grade_population_dirty (customer_id) SELECT OLD.id
    WHERE NOT EXISTS (SELECT 1 FROM fb_grade_population_dirty WHERE customer_id = OLD.id);
END;
