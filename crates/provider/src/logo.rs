//! Deterministic SVG logos: the id and the drawing follow from prompt, style, colours and
//! the option's index, so the same request always yields the same logos.

use sha2::{Digest, Sha256};

use crate::page::escape;

/// Id of the logo the demo data and the specs' examples use.
pub const DEMO_LOGO_ID: &str = "logo-3f9a1c2b7d4e5f60";

const PALETTE: &[&str] = &[
    "#0066CC", "#FF6600", "#2E7D32", "#6A1B9A", "#C62828", "#00838F",
];

/// A logo's id: `logo-` and 16 hex digits of SHA-256 over the request and the index.
pub fn logo_id(prompt: &str, style: &str, colors: &[String], index: u32) -> String {
    let mut hasher = Sha256::new();
    for part in [prompt, style, &colors.join(",")] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher.update(index.to_be_bytes());
    let digest = hasher.finalize();
    format!("logo-{}", hex::encode(&digest[..8]))
}

/// Whether a string has the shape of a logo id (`^logo-[0-9a-f]{16}$`).
pub fn is_logo_id(id: &str) -> bool {
    id.len() == 21
        && id.starts_with("logo-")
        && id[5..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Draws a logo: a shape by style, a colour from the request (or the palette), the initial.
pub fn draw(id: &str, prompt: &str, style: &str, colors: &[String], index: u32) -> String {
    let seed = id.as_bytes().iter().fold(0u32, |acc, b| {
        acc.wrapping_mul(31).wrapping_add(u32::from(*b))
    });
    let color = if colors.is_empty() {
        PALETTE[(seed as usize + index as usize) % PALETTE.len()].to_owned()
    } else {
        colors[index as usize % colors.len()].clone()
    };
    let accent = PALETTE[(seed as usize / 7) % PALETTE.len()];
    let initial = escape(
        &prompt
            .chars()
            .find(|c| c.is_alphanumeric())
            .unwrap_or('L')
            .to_uppercase()
            .to_string(),
    );
    let shape = match style {
        "classic" => format!(
            "<circle cx=\"32\" cy=\"32\" r=\"30\" fill=\"{color}\"/><circle cx=\"32\" cy=\"32\" r=\"25\" fill=\"none\" stroke=\"#fff\" stroke-width=\"2\"/>"
        ),
        "minimal" => format!("<rect x=\"8\" y=\"52\" width=\"48\" height=\"4\" fill=\"{color}\"/>"),
        "playful" => format!(
            "<ellipse cx=\"30\" cy=\"34\" rx=\"28\" ry=\"24\" fill=\"{color}\"/><circle cx=\"50\" cy=\"14\" r=\"8\" fill=\"{accent}\"/>"
        ),
        "bold" => format!("<rect x=\"2\" y=\"2\" width=\"60\" height=\"60\" fill=\"{color}\"/>"),
        _ => format!(
            "<rect x=\"4\" y=\"4\" width=\"56\" height=\"56\" rx=\"12\" fill=\"{color}\"/><rect x=\"{}\" y=\"44\" width=\"12\" height=\"4\" rx=\"2\" fill=\"{accent}\"/>",
            10 + seed % 36
        ),
    };
    let text_fill = if style == "minimal" {
        color.as_str()
    } else {
        "#fff"
    };
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 64 64\" width=\"256\" height=\"256\">\
         <title>Logo option {} for {}</title>{shape}\
         <text x=\"32\" y=\"41\" font-family=\"sans-serif\" font-size=\"26\" font-weight=\"700\" \
         text-anchor=\"middle\" fill=\"{text_fill}\">{initial}</text></svg>",
        index + 1,
        escape(prompt)
    )
}

/// The preview variant: the same drawing at 64 px.
pub fn preview(svg: &str) -> String {
    svg.replacen(
        "width=\"256\" height=\"256\"",
        "width=\"64\" height=\"64\"",
        1,
    )
}
