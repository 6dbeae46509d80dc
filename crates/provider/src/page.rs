//! The deterministic page generator: a template, the prompt and the brand make the HTML,
//! cut into the chunks a generation streams. No external model is involved.

use crate::store::Brand;

/// One template of the catalogue.
#[derive(Clone, Copy, Debug)]
pub struct Template {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub category: &'static str,
    /// Call-to-action label of the hero.
    cta: &'static str,
    /// Body sections after the hero: heading and text.
    sections: &'static [(&'static str, &'static str)],
}

/// The template used when a request names none.
pub const DEFAULT_TEMPLATE: &str = "business-landing";

/// The catalogue, in a stable order.
pub const TEMPLATES: &[Template] = &[
    Template {
        id: "ecommerce-sale",
        name: "E-commerce sale",
        description: "A promotional page for a sale, with hero, offers and call to action",
        category: "ecommerce",
        cta: "Shop the sale",
        sections: &[
            (
                "Today's offers",
                "Hand-picked deals across every category, while stocks last.",
            ),
            (
                "Free delivery",
                "Orders over fifty arrive free of charge within three working days.",
            ),
            (
                "What customers say",
                "Thousands of happy shoppers rate our service five stars.",
            ),
        ],
    },
    Template {
        id: "saas-product",
        name: "SaaS product",
        description: "A product page for software, with features, pricing and sign-up",
        category: "technology",
        cta: "Start free trial",
        sections: &[
            (
                "Features",
                "Everything your team needs to plan, build and ship together.",
            ),
            (
                "Pricing",
                "Simple plans that grow with you, with no hidden fees.",
            ),
            (
                "Trusted by teams",
                "Companies of every size rely on us every day.",
            ),
        ],
    },
    Template {
        id: "restaurant-menu",
        name: "Restaurant",
        description: "A restaurant page with menu highlights, opening hours and bookings",
        category: "hospitality",
        cta: "Book a table",
        sections: &[
            (
                "On the menu",
                "Seasonal dishes made from local produce, served fresh daily.",
            ),
            (
                "Opening hours",
                "Open for lunch and dinner from Tuesday to Sunday.",
            ),
        ],
    },
    Template {
        id: "portfolio",
        name: "Portfolio",
        description: "A personal portfolio with selected work and contact details",
        category: "personal",
        cta: "See my work",
        sections: &[
            (
                "Selected work",
                "A few recent projects, from first sketch to final launch.",
            ),
            (
                "About me",
                "Designer and developer with a passion for clear, useful products.",
            ),
        ],
    },
    Template {
        id: "event-signup",
        name: "Event sign-up",
        description: "An event page with agenda, speakers and registration",
        category: "events",
        cta: "Reserve your seat",
        sections: &[
            (
                "Agenda",
                "A full day of talks, workshops and time to meet other attendees.",
            ),
            (
                "Speakers",
                "Practitioners sharing what worked, and what did not.",
            ),
        ],
    },
    Template {
        id: DEFAULT_TEMPLATE,
        name: "Business landing page",
        description: "A general landing page with hero, features, testimonials and contact",
        category: "business",
        cta: "Get in touch",
        sections: &[
            (
                "Features",
                "Services shaped around what our customers actually need.",
            ),
            (
                "Testimonials",
                "Our clients stay with us because we deliver on our promises.",
            ),
            (
                "Contact",
                "Write to us any time and we will answer within one working day.",
            ),
        ],
    },
];

/// A template by id.
pub fn template(id: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.id == id)
}

/// Colours used when the request gives none.
pub const DEFAULT_PRIMARY: &str = "#1F3A93";
/// Colours used when the request gives none.
pub const DEFAULT_SECONDARY: &str = "#F5A623";

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A short title from the prompt: its first sentence, at most 60 characters.
fn title_of(prompt: &str) -> String {
    let first = prompt
        .split(['.', '!', '?', '\n'])
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or("Welcome");
    let mut title: String = first.chars().take(60).collect();
    if let Some(c) = title.get(..1) {
        title = c.to_uppercase() + &title[1..];
    }
    title
}

/// Renders the page as the chunks a generation streams; their concatenation is the page.
/// `include_logo` is false only under the `logo-not-in-page` fault.
pub fn render(prompt: &str, template: &Template, brand: &Brand, include_logo: bool) -> Vec<String> {
    let title = escape(&title_of(prompt));
    let primary = brand.primary.as_deref().unwrap_or(DEFAULT_PRIMARY);
    let secondary = brand.secondary.as_deref().unwrap_or(DEFAULT_SECONDARY);
    let mut chunks = Vec::with_capacity(template.sections.len() + 4);
    chunks.push(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>:root{{--brand-primary:{primary};--brand-secondary:{secondary}}}\
         body{{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a}}\
         .site-header,.hero{{background:{primary};color:#fff;padding:1.5rem}}\
         .cta{{background:{secondary};color:#fff;padding:.75rem 1.5rem;border-radius:4px}}\
         section{{padding:2rem 1.5rem}}</style></head><body>"
    ));
    let logo = match (&brand.logo, include_logo) {
        (Some(url), true) => format!(
            "<img class=\"logo\" src=\"{}\" alt=\"{title} logo\" width=\"48\" height=\"48\">",
            escape(url)
        ),
        _ => format!("<span class=\"logo\">{title}</span>"),
    };
    chunks.push(format!(
        "<header class=\"site-header\">{logo}<nav aria-label=\"main\"><a href=\"#content\">Home</a> \
         <a href=\"#contact\">Contact</a></nav></header>"
    ));
    chunks.push(format!(
        "<main id=\"content\"><section class=\"hero\"><h1>{title}</h1><p>{}</p>\
         <a class=\"cta\" href=\"#contact\">{}</a></section>",
        escape(prompt.trim()),
        template.cta
    ));
    for (heading, text) in template.sections {
        chunks.push(format!(
            "<section><h2>{heading}</h2><p>{text} {title} is built around it.</p></section>"
        ));
    }
    chunks.push(format!(
        "</main><footer id=\"contact\"><p>{title}. Questions? Use the contact form and we reply \
         within one working day.</p></footer></body></html>"
    ));
    chunks
}
