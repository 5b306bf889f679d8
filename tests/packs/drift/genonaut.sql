-- Spec 000's application as it stands today, not as our models (pgseed/packs/genonaut/models.py)
-- describe it: the two content tables are partitions of content_items_all sharing one id
-- sequence that starts at 3,000,000; tags is gone; a NOT NULL prompt without a default;
-- generation_jobs renamed parameters -> params and result_content_id -> content_id and
-- gained eight columns; 25 more tables around them; the application's own Alembic revision.
CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
INSERT INTO alembic_version VALUES ('9b1e7f42c0de');

CREATE TABLE users (
    id uuid PRIMARY KEY,
    username varchar(50) NOT NULL UNIQUE,
    email varchar(255) NOT NULL UNIQUE,
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    preferences jsonb,
    is_active boolean NOT NULL
);

CREATE SEQUENCE content_items_all_id_seq AS integer START WITH 3000000;
CREATE TABLE content_items_all (
    id integer NOT NULL DEFAULT nextval('content_items_all_id_seq'),
    title varchar(255) NOT NULL,
    content_type varchar(50) NOT NULL,
    content_data text NOT NULL,
    item_metadata jsonb,
    creator_id uuid NOT NULL REFERENCES users(id),
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    quality_score double precision,
    is_private boolean NOT NULL,
    prompt text NOT NULL,
    source_type varchar(10) NOT NULL DEFAULT 'items',
    PRIMARY KEY (id, source_type)
) PARTITION BY LIST (source_type);
CREATE TABLE content_items PARTITION OF content_items_all
    (source_type DEFAULT 'items') FOR VALUES IN ('items');
CREATE TABLE content_items_auto PARTITION OF content_items_all
    (source_type DEFAULT 'auto') FOR VALUES IN ('auto');
ALTER TABLE content_items ADD CONSTRAINT content_items_id_key UNIQUE (id);
ALTER TABLE content_items_auto ADD CONSTRAINT content_items_auto_id_key UNIQUE (id);
CREATE INDEX ix_content_items_all_creator_id ON content_items_all (creator_id);

CREATE TABLE generation_jobs (
    id serial PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users(id),
    job_type varchar(50) NOT NULL,
    prompt text NOT NULL,
    params jsonb,
    status varchar(20) NOT NULL,
    content_id integer REFERENCES content_items(id),
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    started_at timestamp,
    completed_at timestamp,
    error_message text,
    -- the eight columns added since spec 000
    priority smallint NOT NULL DEFAULT 0,
    queue varchar(40) NOT NULL DEFAULT 'default',
    worker_id text,
    attempts integer NOT NULL DEFAULT 0,
    seed bigint NOT NULL,
    model_name varchar(80) NOT NULL,
    duration_ms integer CHECK (duration_ms >= 0),
    external_ref uuid UNIQUE
);
CREATE INDEX ix_generation_jobs_status ON generation_jobs (status);
CREATE TABLE collections (
    id bigserial PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    user_id uuid NOT NULL REFERENCES users(id)
);
CREATE TABLE collection_items (
    id bigserial PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    content_id integer REFERENCES content_items(id)
);
CREATE TABLE comments (
    id bigserial PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    user_id uuid NOT NULL REFERENCES users(id),
    content_id integer REFERENCES content_items(id)
);
CREATE TABLE likes (
    id bigserial PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    user_id uuid NOT NULL REFERENCES users(id),
    content_id integer REFERENCES content_items(id)
);
CREATE TABLE follows (
    id bigserial PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    user_id uuid NOT NULL REFERENCES users(id)
);
CREATE TABLE notifications (
    id bigserial PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    user_id uuid NOT NULL REFERENCES users(id)
);
CREATE TABLE api_keys (
    id bigserial PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    user_id uuid NOT NULL REFERENCES users(id)
);
CREATE TABLE sessions (
    id bigserial PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    user_id uuid NOT NULL REFERENCES users(id)
);
CREATE TABLE audit_log (
    id bigserial PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE billing_accounts (
    id bigserial PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    user_id uuid NOT NULL REFERENCES users(id)
);
CREATE TABLE invoices (
    id bigserial PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE invoice_lines (
    id bigserial PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE subscriptions (
    id bigserial PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE feature_flags (
    id bigserial PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE model_checkpoints (
    id bigserial PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE loras (
    id bigserial PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE prompt_templates (
    id bigserial PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE moderation_flags (
    id bigserial PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    user_id uuid NOT NULL REFERENCES users(id),
    content_id integer REFERENCES content_items(id)
);
CREATE TABLE reports (
    id bigserial PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    user_id uuid NOT NULL REFERENCES users(id)
);
CREATE TABLE tags_catalog (
    id bigserial PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE item_tags (
    id bigserial PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    content_id integer REFERENCES content_items(id)
);
CREATE TABLE webhooks (
    id bigserial PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE webhook_deliveries (
    id bigserial PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE user_settings (
    id bigserial PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    user_id uuid NOT NULL REFERENCES users(id)
);
CREATE TABLE exports (
    id bigserial PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    user_id uuid NOT NULL REFERENCES users(id)
);
