// Versioned schema migrations, applied in order at start inside one transaction each.
// Never edit a released migration: add the next one.
export interface Migration { version: number; name: string; sql: string }

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        password_hash TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      -- The session id itself is never stored: only its SHA-256.
      CREATE TABLE sessions (
        id_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        csrf_token_hash TEXT NOT NULL,
        source_ip TEXT,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX sessions_user ON sessions(user_id);
      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        secret_hash TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT,
        last_used_at TEXT,
        revoked_at TEXT
      );
      CREATE INDEX api_tokens_user ON api_tokens(user_id);
      CREATE TABLE acl (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        role TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (user_id, path)
      );
      CREATE TABLE hosts (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        uri TEXT NOT NULL,
        migration_uri TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        target_kind TEXT NOT NULL,
        target_id TEXT NOT NULL,
        host_id TEXT,
        user_id TEXT,
        state TEXT NOT NULL,
        progress TEXT,
        result TEXT,
        error TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT
      );
      CREATE INDEX tasks_state ON tasks(state);
      CREATE INDEX tasks_target ON tasks(target_kind, target_id);
      CREATE TABLE task_log (
        task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        at TEXT NOT NULL,
        level TEXT NOT NULL,
        message TEXT NOT NULL,
        PRIMARY KEY (task_id, seq)
      );
      CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        user_id TEXT,
        username TEXT,
        auth TEXT,
        token_id TEXT,
        source_ip TEXT,
        method TEXT NOT NULL,
        route TEXT NOT NULL,
        target TEXT,
        status INTEGER NOT NULL,
        result TEXT NOT NULL,
        error_code TEXT,
        duration_ms REAL NOT NULL,
        request_id TEXT NOT NULL,
        diff TEXT
      );
      CREATE INDEX audit_at ON audit(at);
      CREATE INDEX audit_user ON audit(user_id);
    `,
  },
  {
    version: 2,
    name: 'metrics history',
    // RRD-style tiers (apps/server/src/modules/metrics/tiers.ts): one row per tier, bucket and
    // object, averages and maxima as scaled integers. Clustered by time (WITHOUT ROWID, key
    // tier-bucket-object): each tick's writes append at the end of a tier, pruning cuts its
    // front, and a roll-up reads one contiguous range; one object's series is a few hundred
    // key lookups. Clustered by object, every write touched a page per VM (1,000 random page
    // writes per 10 s). No foreign key: an object goes when its last_seen ages past a year.
    sql: `
      CREATE TABLE metrics_objects (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        ref TEXT NOT NULL,
        last_seen INTEGER NOT NULL,
        UNIQUE (kind, ref)
      );
      CREATE TABLE metrics (
        tier INTEGER NOT NULL,
        bucket INTEGER NOT NULL,
        obj INTEGER NOT NULL,
        n INTEGER NOT NULL,
        n_mem INTEGER NOT NULL,
        cpu_avg INTEGER, cpu_max INTEGER,
        mem_used_avg INTEGER, mem_used_max INTEGER,
        mem_avail_avg INTEGER, mem_avail_max INTEGER,
        mem_total_avg INTEGER, mem_total_max INTEGER,
        disk_rd_avg INTEGER, disk_rd_max INTEGER,
        disk_wr_avg INTEGER, disk_wr_max INTEGER,
        disk_rd_iops_avg INTEGER, disk_rd_iops_max INTEGER,
        disk_wr_iops_avg INTEGER, disk_wr_iops_max INTEGER,
        net_rx_avg INTEGER, net_rx_max INTEGER,
        net_tx_avg INTEGER, net_tx_max INTEGER,
        PRIMARY KEY (tier, bucket, obj)
      ) WITHOUT ROWID;
    `,
  },
];
