-- Spec 003's application ("forecastlab") as it stands today, not as our models
-- (pgseed/packs/retail/models.py) describe it: created_at/updated_at on every table;
-- store_id nullable in price_history and promotion (NULL = chain-wide); valid_to
-- nullable (NULL = the current price); promotion gained a NOT NULL name (no default) and
-- discount_amount; inventory has on_order_qty instead of received_qty/ordered_qty;
-- store.store_type and product.brand are gone; the application's own Alembic revision.
CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
INSERT INTO alembic_version VALUES ('c4d1a8e90f27');

CREATE TABLE store (
    id serial PRIMARY KEY,
    code varchar(20) NOT NULL UNIQUE,
    name varchar(100) NOT NULL,
    region varchar(50) NOT NULL,
    city varchar(100) NOT NULL,
    size_sqm integer NOT NULL,
    opened_on date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE product (
    id serial PRIMARY KEY,
    sku varchar(32) NOT NULL UNIQUE,
    name varchar(200) NOT NULL,
    category varchar(50) NOT NULL,
    base_price numeric(10,2) NOT NULL CHECK (base_price >= 0),
    unit_cost numeric(10,2) NOT NULL,
    launch_date date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE calendar (
    date date PRIMARY KEY,
    day_of_week smallint NOT NULL CHECK (day_of_week BETWEEN 0 AND 6),
    day_of_month smallint NOT NULL,
    day_of_year smallint NOT NULL,
    week_of_year smallint NOT NULL,
    month smallint NOT NULL CHECK (month BETWEEN 1 AND 12),
    quarter smallint NOT NULL CHECK (quarter BETWEEN 1 AND 4),
    year smallint NOT NULL,
    is_weekend boolean NOT NULL,
    is_holiday boolean NOT NULL,
    holiday_name varchar(100),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE sales_daily (
    id bigserial PRIMARY KEY,
    date date NOT NULL REFERENCES calendar(date),
    store_id integer NOT NULL REFERENCES store(id),
    product_id integer NOT NULL REFERENCES product(id),
    quantity integer NOT NULL CHECK (quantity >= 0),
    unit_price numeric(10,2) NOT NULL CHECK (unit_price >= 0),
    total_amount numeric(12,2) NOT NULL,
    on_promotion boolean NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT uq_sales_daily_grain UNIQUE (date, store_id, product_id)
);
CREATE TABLE price_history (
    id bigserial PRIMARY KEY,
    store_id integer REFERENCES store(id),
    product_id integer NOT NULL REFERENCES product(id),
    price numeric(10,2) NOT NULL CHECK (price >= 0),
    valid_from date NOT NULL,
    valid_to date,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE TABLE promotion (
    id bigserial PRIMARY KEY,
    store_id integer REFERENCES store(id),
    product_id integer NOT NULL REFERENCES product(id),
    name varchar(120) NOT NULL,
    discount_pct numeric(4,3) NOT NULL CHECK (discount_pct >= 0 AND discount_pct <= 1),
    discount_amount numeric(10,2),
    start_date date NOT NULL,
    end_date date NOT NULL CHECK (end_date >= start_date),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE inventory_snapshot_daily (
    id bigserial PRIMARY KEY,
    date date NOT NULL REFERENCES calendar(date),
    store_id integer NOT NULL REFERENCES store(id),
    product_id integer NOT NULL REFERENCES product(id),
    on_hand_qty integer NOT NULL CHECK (on_hand_qty >= 0),
    on_order_qty integer NOT NULL DEFAULT 0,
    is_stockout boolean NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT uq_inventory_snapshot_daily_grain UNIQUE (date, store_id, product_id)
);
-- the application's own tables
CREATE TABLE forecast_run (
    id bigserial PRIMARY KEY,
    started_at timestamptz NOT NULL DEFAULT now(),
    model text NOT NULL
);
CREATE TABLE forecast (
    run_id bigint NOT NULL REFERENCES forecast_run(id),
    store_id integer REFERENCES store(id),
    product_id integer NOT NULL REFERENCES product(id),
    date date NOT NULL,
    yhat numeric(12,2) NOT NULL,
    PRIMARY KEY (run_id, product_id, date)
);
