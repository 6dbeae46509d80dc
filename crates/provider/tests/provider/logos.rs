//! Logo ids and drawings, without a server.

use sb_provider::DEMO_LOGO_ID;
use sb_provider::internals::{draw, is_logo_id, logo_id, preview};

#[test]
fn ids_are_deterministic_distinct_and_well_formed() {
    let colors = vec!["#0066CC".to_owned()];
    let ids: Vec<String> = (0..8)
        .map(|i| logo_id("Modern tech logo", "modern", &colors, i))
        .collect();
    assert_eq!(ids[0], logo_id("Modern tech logo", "modern", &colors, 0));
    let unique: std::collections::BTreeSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), 8);
    assert!(ids.iter().all(|id| is_logo_id(id)), "{ids:?}");
    assert!(is_logo_id(DEMO_LOGO_ID));
    assert!(!is_logo_id("logo-3F9A1C2B7D4E5F60"));
    assert!(!is_logo_id("logo-123"));
}

#[test]
fn drawing_uses_colour_and_escapes_prompt() {
    let svg = draw(
        "logo-0000000000000000",
        "<Acme>",
        "bold",
        &["#123456".to_owned()],
        0,
    );
    assert!(svg.contains("#123456"));
    assert!(svg.contains("&lt;Acme&gt;"));
    assert!(preview(&svg).contains("width=\"64\""));
}
