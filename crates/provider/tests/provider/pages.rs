//! The page generator and the analysis behind the brand score, without a server: pages are
//! deterministic and escaped, the catalogue has its templates, the analysis scores generated
//! pages high and finds what is wrong, and the demo site sits just under the deployment gate.

use sb_provider::internals::{
    Brand, DEFAULT_TEMPLATE, Severity, THRESHOLD_HTML, THRESHOLD_SITE, analyse, render, template,
    threshold_brand,
};

#[test]
fn page_is_deterministic_escaped_and_has_the_logo() {
    let brand = Brand {
        primary: Some("#0066CC".into()),
        secondary: Some("#FF6600".into()),
        logo: Some("http://127.0.0.1:1/v1/agents/logos/logo-0123456789abcdef".into()),
    };
    let t = template("ecommerce-sale").unwrap();
    let a = render("<b>Summer</b> sale", t, &brand, true).concat();
    assert_eq!(a, render("<b>Summer</b> sale", t, &brand, true).concat());
    assert!(a.contains("&lt;b&gt;Summer"));
    assert!(!a.contains("<b>"));
    assert!(a.contains(
        "<img class=\"logo\" src=\"http://127.0.0.1:1/v1/agents/logos/logo-0123456789abcdef\""
    ));
    assert!(a.contains("#0066CC") && a.contains("#FF6600"));
    let without = render("x", t, &brand, false).concat();
    assert!(!without.contains("<img"));
}

#[test]
fn catalogue_has_the_seed_template_and_the_default() {
    assert!(template("ecommerce-sale").is_some());
    assert!(template(DEFAULT_TEMPLATE).is_some());
    assert!(template("nope").is_none());
}

#[test]
fn generated_pages_score_high_and_find_nothing_wrong() {
    let t = template("ecommerce-sale").unwrap();
    let brand = Brand {
        primary: Some("#0066CC".into()),
        secondary: Some("#FF6600".into()),
        logo: Some("https://cdn.example/logo.svg".into()),
    };
    let a = analyse(
        &render("Create a landing page for summer sale", t, &brand, true).concat(),
        &brand,
    );
    assert!(a.brand_score >= 9.0, "{a:?}");
    assert!(a.security_passed);
    assert!(
        a.issues.iter().all(|i| i.severity != Severity::Error),
        "{a:?}"
    );
    let plain = Brand::default();
    let b = analyse(
        &render(
            "Create a simple page",
            template("business-landing").unwrap(),
            &plain,
            true,
        )
        .concat(),
        &plain,
    );
    assert!(b.brand_score >= 8.0, "{b:?}");
}

#[test]
fn missing_logo_alt_and_insecure_content_are_found() {
    let brand = Brand {
        primary: Some("#0066CC".into()),
        secondary: None,
        logo: Some("https://cdn.example/logo.svg".into()),
    };
    let html = "<html><body><img src=\"x.png\"><a href=\"http://evil.example\">x</a><script>alert(1)</script></body></html>";
    let a = analyse(html, &brand);
    let codes: Vec<_> = a.issues.iter().map(|i| i.code).collect();
    for code in [
        "BRAND_COLOR_UNUSED",
        "MISSING_LOGO",
        "MISSING_ALT_TEXT",
        "MISSING_LANG",
        "MISSING_H1",
        "INLINE_SCRIPT",
        "INSECURE_LINK",
    ] {
        assert!(codes.contains(&code), "{code} not in {codes:?}");
    }
    assert!(!a.security_passed);
    assert!(a.brand_score < 8.0);
    assert_eq!(a.color_usage, 0.0);
    assert_eq!(a.logo_presence, 0.0);
}

#[test]
fn logo_not_in_page_lowers_the_score() {
    let t = template("ecommerce-sale").unwrap();
    let brand = Brand {
        primary: Some("#0066CC".into()),
        secondary: Some("#FF6600".into()),
        logo: Some("https://cdn.example/logo.svg".into()),
    };
    let with = analyse(&render("p", t, &brand, true).concat(), &brand);
    let without = analyse(&render("p", t, &brand, false).concat(), &brand);
    assert!(without.brand_score < with.brand_score);
    assert_eq!(without.logo_presence, 0.0);
}

#[test]
fn the_threshold_site_scores_just_under_the_deployment_threshold() {
    let analysis = analyse(THRESHOLD_HTML, &threshold_brand());
    assert!(
        (7.5..8.0).contains(&analysis.brand_score),
        "{THRESHOLD_SITE} scores {}: {analysis:?}",
        analysis.brand_score
    );
    assert!(analysis.security_passed, "{analysis:?}");
}
