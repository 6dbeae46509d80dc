//! State in SQLite: sites, versions, generations, deployments and logos.
//!
//! One connection behind a mutex, held only for short statements; multi-row changes run in
//! a transaction so a crash never leaves a half-written generation. A file store uses WAL.

use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::config::DbLocation;
use crate::error::ProviderError;

/// The brand a page was generated with; the analysis compares the page against it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Brand {
    /// `#RRGGBB`.
    pub primary: Option<String>,
    /// `#RRGGBB`.
    pub secondary: Option<String>,
    /// Logo URL.
    pub logo: Option<String>,
}

/// A generation's stored state.
#[derive(Clone, Debug)]
pub struct GenerationRow {
    pub id: String,
    pub tenant: String,
    pub site_id: String,
    pub status: String,
    pub prompt: String,
    pub template_id: Option<String>,
    pub brand_score: Option<f64>,
    pub html: Option<String>,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

/// A site.
#[derive(Clone, Debug)]
pub struct SiteRow {
    pub id: String,
    pub current_version: Option<String>,
    /// `demo` or `generation`: how the site came to be.
    pub origin: String,
}

/// One version of a site.
#[derive(Clone, Debug)]
pub struct VersionRow {
    pub site_id: String,
    pub version_id: String,
    pub number: i64,
    pub generation_id: String,
    pub brand_score: f64,
    pub html: String,
    pub created_at: DateTime<Utc>,
    pub brand: Brand,
}

/// A deployment; its status follows from its age and step (see `routes::deployments`).
#[derive(Clone, Debug)]
pub struct DeploymentRow {
    pub id: String,
    pub tenant: String,
    pub site_id: String,
    pub environment: String,
    pub created_at: DateTime<Utc>,
    pub step_ms: i64,
    pub url: String,
}

/// The SQLite store.
pub struct Store {
    conn: Mutex<Connection>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS sites (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    current_version TEXT,
    origin TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
    site_id TEXT NOT NULL REFERENCES sites(id),
    version_id TEXT NOT NULL,
    number INTEGER NOT NULL,
    generation_id TEXT NOT NULL,
    brand_score REAL NOT NULL,
    html TEXT NOT NULL,
    created_at TEXT NOT NULL,
    primary_color TEXT,
    secondary_color TEXT,
    logo TEXT,
    PRIMARY KEY (site_id, version_id)
);
CREATE TABLE IF NOT EXISTS generations (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    site_id TEXT NOT NULL,
    status TEXT NOT NULL,
    prompt TEXT NOT NULL,
    template_id TEXT,
    brand_score REAL,
    html TEXT,
    created_at TEXT NOT NULL,
    completed_at TEXT
);
CREATE TABLE IF NOT EXISTS deployments (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    site_id TEXT NOT NULL,
    environment TEXT NOT NULL,
    created_at TEXT NOT NULL,
    step_ms INTEGER NOT NULL,
    url TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS logos (
    id TEXT PRIMARY KEY,
    svg TEXT NOT NULL,
    created_at TEXT NOT NULL
);
";

/// Formats a timestamp the way the store keeps it (RFC 3339, milliseconds, `Z`).
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn parse_ts(s: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })
}

fn generation_from_row(row: &Row<'_>) -> rusqlite::Result<GenerationRow> {
    Ok(GenerationRow {
        id: row.get(0)?,
        tenant: row.get(1)?,
        site_id: row.get(2)?,
        status: row.get(3)?,
        prompt: row.get(4)?,
        template_id: row.get(5)?,
        brand_score: row.get(6)?,
        html: row.get(7)?,
        created_at: parse_ts(&row.get::<_, String>(8)?)?,
        completed_at: row
            .get::<_, Option<String>>(9)?
            .map(|s| parse_ts(&s))
            .transpose()?,
    })
}

fn version_from_row(row: &Row<'_>) -> rusqlite::Result<VersionRow> {
    Ok(VersionRow {
        site_id: row.get(0)?,
        version_id: row.get(1)?,
        number: row.get(2)?,
        generation_id: row.get(3)?,
        brand_score: row.get(4)?,
        html: row.get(5)?,
        created_at: parse_ts(&row.get::<_, String>(6)?)?,
        brand: Brand {
            primary: row.get(7)?,
            secondary: row.get(8)?,
            logo: row.get(9)?,
        },
    })
}

const GENERATION_COLUMNS: &str =
    "id, tenant, site_id, status, prompt, template_id, brand_score, html, created_at, completed_at";
const VERSION_COLUMNS: &str = "site_id, version_id, number, generation_id, brand_score, html, created_at, primary_color, secondary_color, logo";

/// What completing a generation stores.
pub struct Completion<'a> {
    pub generation_id: &'a str,
    pub tenant: &'a str,
    pub site_id: &'a str,
    /// Create the site (a generation without `siteId`).
    pub new_site: bool,
    pub html: &'a str,
    pub brand_score: f64,
    pub brand: &'a Brand,
    pub completed_at: DateTime<Utc>,
    /// Mark the generation COMPLETE (false only under the `generation-not-saved` fault).
    pub mark_complete: bool,
}

impl Store {
    /// Opens (and migrates) the store; generations a crash left running are marked FAILED.
    pub fn open(location: &DbLocation) -> Result<Store, ProviderError> {
        let name = match location {
            DbLocation::Memory => ":memory:".to_owned(),
            DbLocation::File(path) => path.display().to_string(),
        };
        let wrap = |source| ProviderError::Store {
            location: name.clone(),
            source,
        };
        let conn = match location {
            DbLocation::Memory => Connection::open_in_memory(),
            DbLocation::File(path) => Connection::open(path),
        }
        .map_err(wrap)?;
        if let DbLocation::File(_) = location {
            conn.pragma_update(None, "journal_mode", "WAL")
                .map_err(wrap)?;
            conn.pragma_update(None, "synchronous", "NORMAL")
                .map_err(wrap)?;
        }
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(wrap)?;
        conn.execute_batch(SCHEMA).map_err(wrap)?;
        let failed = conn
            .execute(
                "UPDATE generations SET status = 'FAILED', completed_at = ?1 \
                 WHERE status IN ('PENDING', 'IN_PROGRESS')",
                params![ts(Utc::now())],
            )
            .map_err(wrap)?;
        if failed > 0 {
            tracing::warn!(
                failed,
                "marked generations interrupted by a restart as FAILED"
            );
        }
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (statements are
        // atomic), so a poisoned lock is still safe to use.
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Stores a new generation.
    pub fn insert_generation(&self, g: &GenerationRow) -> rusqlite::Result<()> {
        self.conn().execute(
            "INSERT INTO generations (id, tenant, site_id, status, prompt, template_id, brand_score, html, created_at, completed_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                g.id,
                g.tenant,
                g.site_id,
                g.status,
                g.prompt,
                g.template_id,
                g.brand_score,
                g.html,
                ts(g.created_at),
                g.completed_at.map(ts)
            ],
        )?;
        Ok(())
    }

    /// Sets a generation's status (IN_PROGRESS, or FAILED with a completion time).
    pub fn set_generation_status(&self, id: &str, status: &str) -> rusqlite::Result<()> {
        let completed = (status == "FAILED").then(|| ts(Utc::now()));
        self.conn().execute(
            "UPDATE generations SET status = ?2, completed_at = COALESCE(?3, completed_at) WHERE id = ?1",
            params![id, status, completed],
        )?;
        Ok(())
    }

    /// Stores a finished generation and its version in one transaction; returns the version id.
    pub fn complete_generation(&self, c: &Completion<'_>) -> rusqlite::Result<String> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let now = ts(c.completed_at);
        if c.new_site {
            tx.execute(
                "INSERT INTO sites (id, tenant, current_version, origin, created_at) VALUES (?1, ?2, NULL, 'generation', ?3)",
                params![c.site_id, c.tenant, now],
            )?;
        }
        let number: i64 = tx.query_row(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM versions WHERE site_id = ?1",
            params![c.site_id],
            |row| row.get(0),
        )?;
        let version_id = format!("v{number}");
        tx.execute(
            &format!("INSERT INTO versions ({VERSION_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
            params![
                c.site_id,
                version_id,
                number,
                c.generation_id,
                c.brand_score,
                c.html,
                now,
                c.brand.primary,
                c.brand.secondary,
                c.brand.logo
            ],
        )?;
        tx.execute(
            "UPDATE sites SET current_version = ?2 WHERE id = ?1",
            params![c.site_id, version_id],
        )?;
        if c.mark_complete {
            tx.execute(
                "UPDATE generations SET status = 'COMPLETE', html = ?2, brand_score = ?3, completed_at = ?4 WHERE id = ?1",
                params![c.generation_id, c.html, c.brand_score, now],
            )?;
        }
        tx.commit()?;
        Ok(version_id)
    }

    /// A generation, of `tenant` unless `tenant` is `None`.
    pub fn generation(
        &self,
        id: &str,
        tenant: Option<&str>,
    ) -> rusqlite::Result<Option<GenerationRow>> {
        self.conn()
            .query_row(
                &format!(
                    "SELECT {GENERATION_COLUMNS} FROM generations WHERE id = ?1 AND (?2 IS NULL OR tenant = ?2)"
                ),
                params![id, tenant],
                generation_from_row,
            )
            .optional()
    }

    /// A site, of `tenant` unless `tenant` is `None`.
    pub fn site(&self, id: &str, tenant: Option<&str>) -> rusqlite::Result<Option<SiteRow>> {
        self.conn()
            .query_row(
                "SELECT id, current_version, origin FROM sites WHERE id = ?1 AND (?2 IS NULL OR tenant = ?2)",
                params![id, tenant],
                |row| {
                    Ok(SiteRow {
                        id: row.get(0)?,
                        current_version: row.get(1)?,
                        origin: row.get(2)?,
                    })
                },
            )
            .optional()
    }

    /// A site's versions, newest first.
    pub fn versions(&self, site_id: &str) -> rusqlite::Result<Vec<VersionRow>> {
        self.versions_ordered(site_id, "number DESC")
    }

    /// A site's versions sorted by their id as text (`v9` after `v10`): the
    /// `versions-sorted-as-text` fault.
    pub fn versions_sorted_as_text(&self, site_id: &str) -> rusqlite::Result<Vec<VersionRow>> {
        self.versions_ordered(site_id, "version_id DESC")
    }

    fn versions_ordered(&self, site_id: &str, order: &str) -> rusqlite::Result<Vec<VersionRow>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {VERSION_COLUMNS} FROM versions WHERE site_id = ?1 ORDER BY {order}"
        ))?;
        let rows = stmt.query_map(params![site_id], version_from_row)?;
        rows.collect()
    }

    /// One version of a site.
    pub fn version(&self, site_id: &str, version_id: &str) -> rusqlite::Result<Option<VersionRow>> {
        self.conn()
            .query_row(
                &format!(
                    "SELECT {VERSION_COLUMNS} FROM versions WHERE site_id = ?1 AND version_id = ?2"
                ),
                params![site_id, version_id],
                version_from_row,
            )
            .optional()
    }

    /// Makes a version the site's current one.
    pub fn set_current_version(&self, site_id: &str, version_id: &str) -> rusqlite::Result<()> {
        self.conn().execute(
            "UPDATE sites SET current_version = ?2 WHERE id = ?1",
            params![site_id, version_id],
        )?;
        Ok(())
    }

    /// Stores a logo (the same id always has the same SVG).
    pub fn put_logo(&self, id: &str, svg: &str) -> rusqlite::Result<()> {
        self.conn().execute(
            "INSERT OR IGNORE INTO logos (id, svg, created_at) VALUES (?1, ?2, ?3)",
            params![id, svg, ts(Utc::now())],
        )?;
        Ok(())
    }

    /// A logo's SVG.
    pub fn logo(&self, id: &str) -> rusqlite::Result<Option<String>> {
        self.conn()
            .query_row("SELECT svg FROM logos WHERE id = ?1", params![id], |row| {
                row.get(0)
            })
            .optional()
    }

    /// Stores a deployment.
    pub fn insert_deployment(&self, d: &DeploymentRow) -> rusqlite::Result<()> {
        self.conn().execute(
            "INSERT INTO deployments (id, tenant, site_id, environment, created_at, step_ms, url) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![d.id, d.tenant, d.site_id, d.environment, ts(d.created_at), d.step_ms, d.url],
        )?;
        Ok(())
    }

    /// A deployment, of `tenant` unless `tenant` is `None`.
    pub fn deployment(
        &self,
        id: &str,
        tenant: Option<&str>,
    ) -> rusqlite::Result<Option<DeploymentRow>> {
        self.conn()
            .query_row(
                "SELECT id, tenant, site_id, environment, created_at, step_ms, url FROM deployments WHERE id = ?1 AND (?2 IS NULL OR tenant = ?2)",
                params![id, tenant],
                |row| {
                    Ok(DeploymentRow {
                        id: row.get(0)?,
                        tenant: row.get(1)?,
                        site_id: row.get(2)?,
                        environment: row.get(3)?,
                        created_at: parse_ts(&row.get::<_, String>(4)?)?,
                        step_ms: row.get(5)?,
                        url: row.get(6)?,
                    })
                },
            )
            .optional()
    }

    /// Seeds a site with one version from one COMPLETE generation, unless the site exists.
    pub fn seed_site(
        &self,
        tenant: &str,
        site_id: &str,
        generation: &GenerationRow,
        brand: &Brand,
    ) -> rusqlite::Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let exists: bool = tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM sites WHERE id = ?1)",
            params![site_id],
            |row| row.get(0),
        )?;
        if !exists {
            let created = ts(generation.created_at);
            let completed = generation
                .completed_at
                .map(ts)
                .unwrap_or_else(|| created.clone());
            tx.execute(
                "INSERT INTO sites (id, tenant, current_version, origin, created_at) VALUES (?1, ?2, 'v1', 'demo', ?3)",
                params![site_id, tenant, created],
            )?;
            tx.execute(
                &format!("INSERT INTO versions ({VERSION_COLUMNS}) VALUES (?1, 'v1', 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
                params![
                    site_id,
                    generation.id,
                    generation.brand_score.unwrap_or(0.0),
                    generation.html.as_deref().unwrap_or(""),
                    completed,
                    brand.primary,
                    brand.secondary,
                    brand.logo
                ],
            )?;
            tx.execute(
                &format!("INSERT OR IGNORE INTO generations ({GENERATION_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
                params![
                    generation.id,
                    tenant,
                    site_id,
                    generation.status,
                    generation.prompt,
                    generation.template_id,
                    generation.brand_score,
                    generation.html,
                    created,
                    completed
                ],
            )?;
        }
        tx.commit()
    }

    /// Seeds a deployment unless it exists.
    pub fn seed_deployment(&self, d: &DeploymentRow) -> rusqlite::Result<()> {
        self.conn().execute(
            "INSERT OR IGNORE INTO deployments (id, tenant, site_id, environment, created_at, step_ms, url) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![d.id, d.tenant, d.site_id, d.environment, ts(d.created_at), d.step_ms, d.url],
        )?;
        Ok(())
    }
}
