//! Demo data: the tenants, sites, generations, deployments and logo that the specs'
//! examples name, so a test built from the examples alone succeeds against the provider.

use chrono::{DateTime, TimeZone, Utc};

use crate::analysis::analyse;
use crate::logo::{self, DEMO_LOGO_ID};
use crate::page;
use crate::store::{Brand, Completion, DeploymentRow, GenerationRow, Store};

/// The demo tenant of the examples.
pub const DEMO_TENANT: &str = "test-tenant";
/// A second tenant, for isolation tests.
pub const OTHER_TENANT: &str = "other-tenant";

fn at(min: u32, sec: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 15, 10, min, sec)
        .single()
        .unwrap_or_else(Utc::now)
}

/// The low-scoring page: unused brand colours, no logo, images without alt text, an
/// inline script and a plain-http link.
const LOW_SCORE_HTML: &str = "<!DOCTYPE html><html><head><title>Clearance</title></head><body>\
<div class=\"banner\"><img src=\"https://cdn.example/banner.jpg\"><img src=\"https://cdn.example/deal.jpg\"></div>\
<p>Everything must go.</p><a href=\"http://shop.example/clearance\">Shop</a>\
<script>document.title = 'Sale';</script></body></html>";

/// The demo site whose brand score sits just under the deployment threshold (7.5 to 7.9):
/// a gate that rounds the score lets it deploy.
pub const THRESHOLD_SITE: &str = "threshold-site";

/// The near-threshold page: brand colours used, a wordmark instead of the logo, a heading
/// and a single short paragraph (thin content).
// pub for the integration tests (tests/provider/pages.rs)
#[doc(hidden)]
pub const THRESHOLD_HTML: &str = "<!DOCTYPE html><html lang=\"en\"><head><title>Spring offer</title>\
<style>:root{--brand-primary:#0066CC;--brand-secondary:#FF6600}</style></head><body>\
<header><span class=\"logo\">Acme</span></header><h1>Spring offer</h1>\
<p>Fresh flowers delivered to your door this week.</p></body></html>";

/// The demo site with two versions, the newer (v2) current: the restoreVersion example
/// restores v1, so a restore that changes nothing shows.
pub const RESTORE_SITE: &str = "restore-demo-site";

/// Gives [`RESTORE_SITE`] its second version (once: a reused database keeps its history).
fn seed_second_version(store: &Store) -> rusqlite::Result<()> {
    if store.versions(RESTORE_SITE)?.len() != 1 {
        return Ok(());
    }
    let (id, prompt) = (
        "gen-demo-0006",
        "Create an autumn sale page for our bookshop",
    );
    let brand = Brand::default();
    let template = page::template(page::DEFAULT_TEMPLATE).unwrap_or(&page::TEMPLATES[0]);
    let html = page::render(prompt, template, &brand, true).concat();
    let brand_score = analyse(&html, &brand).brand_score;
    store.insert_generation(&GenerationRow {
        id: id.to_owned(),
        tenant: DEMO_TENANT.to_owned(),
        site_id: RESTORE_SITE.to_owned(),
        status: "IN_PROGRESS".to_owned(),
        prompt: prompt.to_owned(),
        template_id: Some(page::DEFAULT_TEMPLATE.to_owned()),
        brand_score: None,
        html: None,
        created_at: at(1, 0),
        completed_at: None,
    })?;
    store.complete_generation(&Completion {
        generation_id: id,
        tenant: DEMO_TENANT,
        site_id: RESTORE_SITE,
        new_site: false,
        html: &html,
        brand_score,
        brand: &brand,
        completed_at: at(1, 3),
        mark_complete: true,
    })?;
    Ok(())
}

/// The brand [`THRESHOLD_HTML`] was made for.
// pub for the integration tests (tests/provider/pages.rs)
#[doc(hidden)]
pub fn threshold_brand() -> Brand {
    Brand {
        primary: Some("#0066CC".to_owned()),
        secondary: Some("#FF6600".to_owned()),
        logo: None,
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "one call per demo site, each argument named at the call"
)]
fn seed_generated(
    store: &Store,
    tenant: &str,
    site_id: &str,
    generation_id: &str,
    prompt: &str,
    template_id: &str,
    brand: &Brand,
    html: Option<&str>,
) -> rusqlite::Result<()> {
    let html = match html {
        Some(html) => html.to_owned(),
        None => {
            let template = page::template(template_id).unwrap_or(&page::TEMPLATES[0]);
            page::render(prompt, template, brand, true).concat()
        }
    };
    let score = analyse(&html, brand).brand_score;
    let generation = GenerationRow {
        id: generation_id.to_owned(),
        tenant: tenant.to_owned(),
        site_id: site_id.to_owned(),
        status: "COMPLETE".to_owned(),
        prompt: prompt.to_owned(),
        template_id: Some(template_id.to_owned()),
        brand_score: Some(score),
        html: Some(html),
        created_at: at(0, 0),
        completed_at: Some(at(0, 3)),
    };
    store.seed_site(tenant, site_id, &generation, brand)
}

/// Seeds the demo data (idempotent: existing rows are kept).
pub fn seed(store: &Store, public_base_url: &str) -> rusqlite::Result<()> {
    let logo_prompt = "Modern tech logo";
    let colors = vec!["#0066CC".to_owned()];
    store.put_logo(
        DEMO_LOGO_ID,
        &logo::draw(DEMO_LOGO_ID, logo_prompt, "modern", &colors, 0),
    )?;
    let branded = Brand {
        primary: Some("#0066CC".to_owned()),
        secondary: Some("#FF6600".to_owned()),
        logo: Some(format!("{public_base_url}/agents/logos/{DEMO_LOGO_ID}")),
    };
    seed_generated(
        store,
        DEMO_TENANT,
        "test-site-id",
        "gen-demo-0001",
        "Create a landing page for summer sale",
        "ecommerce-sale",
        &branded,
        None,
    )?;
    seed_generated(
        store,
        DEMO_TENANT,
        "test-site",
        "gen-demo-0002",
        "Create a landing page for our consultancy",
        page::DEFAULT_TEMPLATE,
        &Brand::default(),
        None,
    )?;
    seed_generated(
        store,
        DEMO_TENANT,
        "low-score-site",
        "gen-demo-0003",
        "Create a clearance page",
        "ecommerce-sale",
        &Brand {
            primary: Some("#0066CC".to_owned()),
            secondary: Some("#FF6600".to_owned()),
            logo: Some("https://cdn.example/logo.svg".to_owned()),
        },
        Some(LOW_SCORE_HTML),
    )?;
    seed_generated(
        store,
        DEMO_TENANT,
        THRESHOLD_SITE,
        "gen-demo-0004",
        "Create a spring offer page",
        page::DEFAULT_TEMPLATE,
        &threshold_brand(),
        Some(THRESHOLD_HTML),
    )?;
    seed_generated(
        store,
        OTHER_TENANT,
        "other-site",
        "gen-other-0001",
        "Create a landing page for a bakery",
        "restaurant-menu",
        &Brand {
            primary: Some("#2E7D32".to_owned()),
            secondary: None,
            logo: None,
        },
        None,
    )?;
    seed_generated(
        store,
        DEMO_TENANT,
        RESTORE_SITE,
        "gen-demo-0005",
        "Create a landing page for our bookshop",
        page::DEFAULT_TEMPLATE,
        &Brand::default(),
        None,
    )?;
    seed_second_version(store)?;
    for (id, tenant, site) in [
        ("dep-demo-0001", DEMO_TENANT, "test-site-id"),
        ("dep-other-0001", OTHER_TENANT, "other-site"),
    ] {
        store.seed_deployment(&DeploymentRow {
            id: id.to_owned(),
            tenant: tenant.to_owned(),
            site_id: site.to_owned(),
            environment: "staging".to_owned(),
            created_at: at(5, 0),
            step_ms: 1000,
            url: format!("https://staging.sites.kimmyai.io/{tenant}/{site}/"),
        })?;
    }
    Ok(())
}
