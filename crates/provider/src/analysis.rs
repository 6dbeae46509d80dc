//! The page analysis behind validateSite, getBrandScore and the generation's brand score:
//! brand colours used, logo present, image alt texts, content, security and page weight.

use crate::page::escape;
use crate::store::Brand;

/// Severity of a finding (the spec's `Severity`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// One finding.
#[derive(Clone, Debug, PartialEq)]
pub struct Issue {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
}

/// The result of analysing a page.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    /// Weighted score 0..=10, one decimal.
    pub brand_score: f64,
    pub color_usage: f64,
    pub logo_presence: f64,
    pub accessibility: f64,
    pub content_quality: f64,
    pub security_passed: bool,
    pub performance_ms: u64,
    pub issues: Vec<Issue>,
}

fn round1(x: f64) -> f64 {
    (x.clamp(0.0, 10.0) * 10.0).round() / 10.0
}

/// The opening tags `<name ...>` of the page, lower-cased.
fn tags<'a>(html: &'a str, name: &'a str) -> impl Iterator<Item = String> + 'a {
    let lower = html.to_ascii_lowercase();
    let open = format!("<{name}");
    let mut found = Vec::new();
    let mut rest = lower.as_str();
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        let boundary = after
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || c == '>' || c == '/');
        let end = after.find('>').map_or(after.len(), |e| e + 1);
        if boundary {
            found.push(format!("{open}{}", &after[..end]));
        }
        rest = &after[end.min(after.len())..];
    }
    found.into_iter()
}

/// Visible words: the text outside tags, without `<style>`/`<script>` content.
fn word_count(html: &str) -> usize {
    let mut text = String::with_capacity(html.len());
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    let bytes = html.as_bytes();
    while i < bytes.len() {
        if bytes[i] == b'<' {
            for skip in ["<style", "<script"] {
                if lower[i..].starts_with(skip) {
                    let close = format!("</{}", &skip[1..]);
                    i = lower[i..].find(&close).map_or(bytes.len(), |e| i + e);
                    break;
                }
            }
            match html[i..].find('>') {
                Some(e) => i += e + 1,
                None => break,
            }
            text.push(' ');
        } else {
            let next = html[i..].find('<').map_or(bytes.len(), |e| i + e);
            text.push_str(&html[i..next]);
            i = next;
        }
    }
    text.split_whitespace().count()
}

fn has_attr(tag: &str, attr: &str) -> bool {
    tag.contains(&format!(" {attr}=")) || tag.contains(&format!(" {attr} ="))
}

fn issue(code: &'static str, severity: Severity, message: String) -> Issue {
    Issue {
        code,
        severity,
        message,
    }
}

/// Analyses a page against the brand it was made for.
pub fn analyse(html: &str, brand: &Brand) -> Analysis {
    let lower = html.to_ascii_lowercase();
    let mut issues = Vec::new();

    // Brand colours: each given colour must appear in the page.
    let expected: Vec<&str> = [&brand.primary, &brand.secondary]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    let color_usage = if expected.is_empty() {
        if lower.contains("--brand-primary") {
            8.0
        } else {
            4.0
        }
    } else {
        let mut used = 0;
        for color in &expected {
            if lower.contains(&color.to_ascii_lowercase()) {
                used += 1;
            } else {
                issues.push(issue(
                    "BRAND_COLOR_UNUSED",
                    Severity::Warning,
                    format!("brand colour {color} is not used in the page"),
                ));
            }
        }
        10.0 * used as f64 / expected.len() as f64
    };

    // Logo: the brand logo as an <img src>, else at least a wordmark.
    let imgs: Vec<String> = tags(html, "img").collect();
    let logo_presence = match &brand.logo {
        Some(url) => {
            let src = format!("src=\"{}\"", escape(url).to_ascii_lowercase());
            if imgs.iter().any(|t| t.contains(&src)) {
                10.0
            } else {
                issues.push(issue(
                    "MISSING_LOGO",
                    Severity::Warning,
                    "the brand logo does not appear in the page".to_owned(),
                ));
                0.0
            }
        }
        None if imgs.iter().any(|t| t.contains("class=\"logo\"")) => 10.0,
        None if lower.contains("class=\"logo\"") => 7.0,
        None => {
            issues.push(issue(
                "NO_LOGO",
                Severity::Info,
                "the page has no logo or wordmark".to_owned(),
            ));
            3.0
        }
    };

    // Accessibility.
    let mut accessibility: f64 = 10.0;
    let no_alt = imgs.iter().filter(|t| !has_attr(t, "alt")).count();
    if no_alt > 0 {
        accessibility -= 2.0 * no_alt as f64;
        let noun = if no_alt == 1 {
            "image has"
        } else {
            "images have"
        };
        issues.push(issue(
            "MISSING_ALT_TEXT",
            Severity::Warning,
            format!("{no_alt} {noun} no alt text"),
        ));
    }
    if !tags(html, "html").any(|t| has_attr(&t, "lang")) {
        accessibility -= 2.0;
        issues.push(issue(
            "MISSING_LANG",
            Severity::Warning,
            "the <html> element has no lang attribute".to_owned(),
        ));
    }
    let has_h1 = tags(html, "h1").next().is_some();
    if !has_h1 {
        accessibility -= 1.0;
        issues.push(issue(
            "MISSING_H1",
            Severity::Warning,
            "the page has no <h1> heading".to_owned(),
        ));
    }

    // Content.
    let words = word_count(html);
    let mut content_quality = (words as f64 / 15.0).min(6.0);
    if has_h1 {
        content_quality += 2.0;
    }
    if tags(html, "h2").next().is_some() {
        content_quality += 1.0;
    }
    if tags(html, "a").next().is_some() || tags(html, "button").next().is_some() {
        content_quality += 1.0;
    }
    if words < 50 {
        issues.push(issue(
            "THIN_CONTENT",
            Severity::Info,
            format!("the page has only {words} words of text"),
        ));
    }

    // Security: inline scripts and plain-http links.
    let inline_scripts = tags(html, "script").filter(|t| !has_attr(t, "src")).count();
    if inline_scripts > 0 {
        issues.push(issue(
            "INLINE_SCRIPT",
            Severity::Error,
            format!("{inline_scripts} inline <script> element(s); move scripts to files"),
        ));
    }
    let insecure = lower.matches("=\"http://").count() + lower.matches("='http://").count();
    // The provider's own loopback logo URLs are plain http by design; only count others.
    let loopback =
        lower.matches("=\"http://127.0.0.1").count() + lower.matches("=\"http://localhost").count();
    let insecure = insecure.saturating_sub(loopback);
    if insecure > 0 {
        issues.push(issue(
            "INSECURE_LINK",
            Severity::Error,
            format!("{insecure} link(s) use plain http://; use https://"),
        ));
    }
    let security_passed = inline_scripts == 0 && insecure == 0;

    let performance_ms = 40 + (html.len() as u64 * 8) / 1024;
    if html.len() > 100 * 1024 {
        issues.push(issue(
            "LARGE_PAGE",
            Severity::Info,
            format!(
                "the page is {} KiB; keep it under 100 KiB",
                html.len() / 1024
            ),
        ));
    }

    let color_usage = round1(color_usage);
    let logo_presence = round1(logo_presence);
    let accessibility = round1(accessibility);
    let content_quality = round1(content_quality);
    let mut score =
        0.3 * color_usage + 0.25 * logo_presence + 0.25 * accessibility + 0.2 * content_quality;
    if !security_passed {
        score -= 1.5;
    }
    Analysis {
        brand_score: round1(score),
        color_usage,
        logo_presence,
        accessibility,
        content_quality,
        security_passed,
        performance_ms,
        issues,
    }
}
