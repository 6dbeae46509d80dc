//! The catalogue of diff rules: every change the diff reports carries one of these stable
//! ids, and the id alone decides its severity, so an id can never be reported at two levels.
//!
//! Ids follow oasdiff's checker where the meaning is the same (`request-property-removed`,
//! `response-body-max-length-unset`, ...). Schema keyword rules exist once per *scope*
//! (`request-body`, `request-property`, `request-parameter`, `response-body`,
//! `response-property`, `response-header`); the rest are listed one by one. `RULES.md`
//! documents each rule in both directions and every deliberate difference from oasdiff.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use crate::change::Severity;

use Severity::{Breaking as B, NonBreaking as NB, PotentiallyBreaking as PB};

/// One rule: its id, severity and a one-line description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The stable id (`response-property-max-length-unset`).
    pub id: String,
    /// The severity every change with this id has.
    pub severity: Severity,
    /// What the rule reports.
    pub description: String,
}

/// Rules outside schemas: specs, paths, operations, parameters, bodies, media types,
/// responses, headers, security, SSE event types and object properties.
const FIXED: &[(&str, Severity, &str)] = &[
    ("spec-removed", B, "a whole spec file removed"),
    ("spec-added", NB, "a whole spec file added"),
    (
        "api-path-removed-without-deprecation",
        B,
        "a path removed without being deprecated first",
    ),
    (
        "api-path-removed-with-deprecation",
        PB,
        "a path removed after its operation was deprecated",
    ),
    ("api-path-added", NB, "a new path"),
    (
        "api-removed-without-deprecation",
        B,
        "an operation removed without being deprecated first",
    ),
    (
        "api-removed-with-deprecation",
        PB,
        "an operation removed after being deprecated",
    ),
    ("endpoint-added", NB, "a new operation on an existing path"),
    (
        "api-operation-id-changed",
        PB,
        "operationId renamed: generated client methods are renamed",
    ),
    ("endpoint-deprecated", NB, "an operation deprecated"),
    (
        "endpoint-reactivated",
        NB,
        "an operation no longer deprecated",
    ),
    (
        "new-required-request-parameter",
        B,
        "a new required parameter",
    ),
    (
        "new-optional-request-parameter",
        NB,
        "a new optional parameter",
    ),
    (
        "request-parameter-removed",
        PB,
        "a parameter removed: clients that send it have it ignored",
    ),
    (
        "request-parameter-became-required",
        B,
        "an optional parameter became required",
    ),
    (
        "request-parameter-became-optional",
        NB,
        "a required parameter became optional",
    ),
    (
        "request-path-parameter-renamed",
        NB,
        "a path parameter renamed at the same position of the URL",
    ),
    (
        "request-parameter-style-changed",
        PB,
        "a parameter's serialisation `style` changed",
    ),
    (
        "request-parameter-explode-changed",
        PB,
        "a parameter's serialisation `explode` changed",
    ),
    ("request-parameter-deprecated", NB, "a parameter deprecated"),
    (
        "request-parameter-reactivated",
        NB,
        "a parameter no longer deprecated",
    ),
    (
        "request-body-added-required",
        B,
        "a new required request body",
    ),
    (
        "request-body-added-optional",
        NB,
        "a new optional request body",
    ),
    (
        "request-body-removed",
        B,
        "the request body removed: the server no longer reads what clients send",
    ),
    (
        "request-body-became-required",
        B,
        "the request body became required",
    ),
    (
        "request-body-became-optional",
        NB,
        "the request body became optional",
    ),
    (
        "request-body-media-type-removed",
        B,
        "a request media type removed",
    ),
    (
        "request-body-media-type-added",
        NB,
        "a request media type added",
    ),
    (
        "request-body-media-type-schema-added",
        B,
        "a schema added to a request media type that accepted anything",
    ),
    (
        "request-body-media-type-schema-removed",
        NB,
        "a request media type's schema removed: it accepts anything",
    ),
    (
        "response-media-type-removed",
        B,
        "a response media type removed",
    ),
    (
        "response-media-type-added",
        NB,
        "a response media type added",
    ),
    (
        "response-body-media-type-schema-added",
        NB,
        "a schema added to a response media type that had none",
    ),
    (
        "response-body-media-type-schema-removed",
        PB,
        "a response media type's schema removed: it may hold anything",
    ),
    (
        "response-success-status-removed",
        B,
        "a 2XX/3XX response status removed",
    ),
    (
        "response-non-success-status-removed",
        B,
        "a 4XX/5XX/default response status removed",
    ),
    (
        "response-success-status-added",
        NB,
        "a 2XX/3XX response status added",
    ),
    (
        "response-non-success-status-added",
        NB,
        "a 4XX/5XX/default response status added",
    ),
    (
        "required-response-header-removed",
        B,
        "a required response header removed",
    ),
    (
        "optional-response-header-removed",
        PB,
        "an optional response header removed",
    ),
    ("response-header-added", NB, "a response header added"),
    (
        "response-header-became-optional",
        B,
        "a response header is no longer required (may be absent)",
    ),
    (
        "response-header-became-required",
        NB,
        "a response header is now always present",
    ),
    (
        "api-security-tightened",
        B,
        "a security requirement added or changed so an old alternative no longer suffices",
    ),
    (
        "api-security-relaxed",
        NB,
        "a security requirement dropped or an alternative added",
    ),
    (
        "api-security-scheme-changed",
        B,
        "a security scheme used by the operation redefined under the same name",
    ),
    (
        "api-security-component-added",
        NB,
        "a security scheme added to components",
    ),
    (
        "api-security-component-removed",
        NB,
        "a security scheme removed from components (operations that used it report their own change)",
    ),
    // Object properties, request side. readOnly properties are not request fields.
    (
        "new-required-request-property",
        B,
        "a new required request property",
    ),
    (
        "new-optional-request-property",
        NB,
        "a new optional request property",
    ),
    (
        "new-read-only-request-property",
        NB,
        "a new readOnly property: clients never send it",
    ),
    (
        "request-property-removed",
        PB,
        "a request property removed: clients that send it have it ignored",
    ),
    (
        "request-property-removed-from-closed-schema",
        B,
        "a request property removed from a schema with additionalProperties: false: clients that send it are rejected",
    ),
    (
        "request-read-only-property-removed",
        NB,
        "a readOnly property removed from a request schema",
    ),
    (
        "request-property-became-required",
        B,
        "a request property became required",
    ),
    (
        "request-property-became-optional",
        NB,
        "a request property became optional",
    ),
    (
        "request-property-became-read-only",
        PB,
        "a request property became readOnly: clients that send it have it ignored",
    ),
    (
        "request-required-property-became-not-read-only",
        B,
        "a required readOnly property is now a request field clients must send",
    ),
    (
        "request-optional-property-became-not-read-only",
        NB,
        "an optional readOnly property is now a request field",
    ),
    (
        "request-property-became-write-only",
        NB,
        "a request property became writeOnly (still sent)",
    ),
    (
        "request-property-became-not-write-only",
        NB,
        "a request property is no longer writeOnly (still sent)",
    ),
    // Object properties, response side. writeOnly properties are not response fields.
    (
        "response-required-property-removed",
        B,
        "a required response property removed",
    ),
    (
        "response-optional-property-removed",
        B,
        "an optional response property removed",
    ),
    (
        "response-write-only-property-removed",
        NB,
        "a writeOnly property removed from a response schema",
    ),
    (
        "response-required-property-added",
        NB,
        "a new required response property",
    ),
    (
        "response-optional-property-added",
        NB,
        "a new optional response property",
    ),
    (
        "response-write-only-property-added",
        NB,
        "a new writeOnly property: never in responses",
    ),
    (
        "response-property-added-to-closed-schema",
        PB,
        "a new response property in a schema with additionalProperties: false (generated clients deny unknown fields)",
    ),
    (
        "response-property-became-optional",
        B,
        "a response property is no longer required (may be absent)",
    ),
    (
        "response-property-became-required",
        NB,
        "a response property is now always present",
    ),
    (
        "response-property-became-write-only",
        B,
        "a response property became writeOnly: it is no longer in responses",
    ),
    (
        "response-required-property-became-not-write-only",
        PB,
        "a required writeOnly property now appears in responses (a write-only secret may leak; closed clients see a new field)",
    ),
    (
        "response-optional-property-became-not-write-only",
        NB,
        "an optional writeOnly property may now appear in responses",
    ),
    (
        "response-property-became-read-only",
        NB,
        "a response property became readOnly (still received)",
    ),
    (
        "response-property-became-not-read-only",
        NB,
        "a response property is no longer readOnly (still received)",
    ),
    // Server-Sent Events.
    (
        "sse-event-type-removed",
        B,
        "an event type removed from a stream",
    ),
    (
        "sse-event-type-added",
        PB,
        "a new event type (clients that check the type against a fixed list fail)",
    ),
    (
        "sse-event-type-property-renamed",
        B,
        "the property naming the event type renamed",
    ),
    ("sse-event-field-removed", B, "an event field removed"),
    ("sse-event-field-added", NB, "an event field added"),
    (
        "sse-event-field-added-to-closed-schema",
        PB,
        "an event field added to an event with additionalProperties: false",
    ),
    (
        "sse-event-field-became-optional",
        B,
        "an event field is no longer required (may be absent)",
    ),
    (
        "sse-event-field-became-required",
        NB,
        "an event field is now always present",
    ),
];

/// The scopes of schema keyword rules, request side then response side.
pub(crate) const REQUEST_SCOPES: [&str; 3] =
    ["request-body", "request-property", "request-parameter"];
/// Response-side scopes of schema keyword rules (SSE events read as response bodies).
pub(crate) const RESPONSE_SCOPES: [&str; 3] =
    ["response-body", "response-property", "response-header"];

/// Schema keyword rules: suffix, severity on the request side, on the response side, and
/// what it reports. The id is `<scope>-<suffix>`.
const SCHEMA: &[(&str, Severity, Severity, &str)] = &[
    ("type-changed", B, B, "`type` changed"),
    (
        "type-generalized",
        NB,
        B,
        "`type` widened (integer -> number)",
    ),
    (
        "type-specialized",
        B,
        NB,
        "`type` narrowed (number -> integer)",
    ),
    ("type-set", B, NB, "an untyped schema got a `type`"),
    ("type-unset", NB, B, "`type` removed: any type allowed"),
    ("became-nullable", NB, B, "`nullable` added"),
    ("became-not-nullable", B, NB, "`nullable` removed"),
    ("format-changed", B, B, "`format` changed"),
    ("format-added", B, NB, "`format` added"),
    ("format-removed", NB, B, "`format` removed"),
    (
        "enum-value-added",
        PB,
        B,
        "an `enum` value added (request: generated enums are shared with responses)",
    ),
    ("enum-value-removed", B, NB, "an `enum` value removed"),
    ("became-enum", B, NB, "restricted to an `enum`"),
    (
        "became-not-enum",
        NB,
        B,
        "no longer restricted to an `enum`",
    ),
    (
        "default-value-added",
        PB,
        NB,
        "`default` added: omitted values now mean the default",
    ),
    (
        "default-value-changed",
        B,
        PB,
        "`default` changed: clients that omit the value get other behaviour",
    ),
    (
        "default-value-removed",
        B,
        PB,
        "`default` removed: clients that omit the value get unspecified behaviour",
    ),
    ("min-increased", B, NB, "`minimum` raised"),
    ("min-decreased", NB, B, "`minimum` lowered"),
    ("min-set", B, NB, "`minimum` added"),
    ("min-unset", NB, B, "`minimum` removed"),
    ("max-decreased", B, NB, "`maximum` lowered"),
    ("max-increased", NB, B, "`maximum` raised"),
    ("max-set", B, NB, "`maximum` added"),
    ("max-unset", NB, B, "`maximum` removed"),
    (
        "exclusive-min-increased",
        B,
        NB,
        "`exclusiveMinimum` raised or turned on",
    ),
    (
        "exclusive-min-decreased",
        NB,
        B,
        "`exclusiveMinimum` lowered or turned off",
    ),
    (
        "exclusive-max-decreased",
        B,
        NB,
        "`exclusiveMaximum` lowered or turned on",
    ),
    (
        "exclusive-max-increased",
        NB,
        B,
        "`exclusiveMaximum` raised or turned off",
    ),
    ("min-length-increased", B, NB, "`minLength` raised"),
    ("min-length-decreased", NB, B, "`minLength` lowered"),
    ("min-length-set", B, NB, "`minLength` added"),
    ("min-length-unset", NB, B, "`minLength` removed"),
    ("max-length-decreased", B, NB, "`maxLength` lowered"),
    ("max-length-increased", NB, B, "`maxLength` raised"),
    ("max-length-set", B, NB, "`maxLength` added"),
    ("max-length-unset", NB, B, "`maxLength` removed"),
    ("min-items-increased", B, NB, "`minItems` raised"),
    ("min-items-decreased", NB, B, "`minItems` lowered"),
    ("min-items-set", B, NB, "`minItems` added"),
    ("min-items-unset", NB, B, "`minItems` removed"),
    ("max-items-decreased", B, NB, "`maxItems` lowered"),
    ("max-items-increased", NB, B, "`maxItems` raised"),
    ("max-items-set", B, NB, "`maxItems` added"),
    ("max-items-unset", NB, B, "`maxItems` removed"),
    ("min-properties-increased", B, NB, "`minProperties` raised"),
    ("min-properties-decreased", NB, B, "`minProperties` lowered"),
    ("min-properties-set", B, NB, "`minProperties` added"),
    ("min-properties-unset", NB, B, "`minProperties` removed"),
    ("max-properties-decreased", B, NB, "`maxProperties` lowered"),
    ("max-properties-increased", NB, B, "`maxProperties` raised"),
    ("max-properties-set", B, NB, "`maxProperties` added"),
    ("max-properties-unset", NB, B, "`maxProperties` removed"),
    ("unique-items-set", B, NB, "`uniqueItems` turned on"),
    ("unique-items-unset", NB, B, "`uniqueItems` turned off"),
    (
        "pattern-added",
        B,
        NB,
        "a `pattern` added (an empty or `.*` pattern counts as none)",
    ),
    (
        "pattern-changed",
        B,
        PB,
        "`pattern` changed (read as both tightened and relaxed)",
    ),
    ("pattern-removed", NB, PB, "`pattern` removed"),
    ("multiple-of-added", B, NB, "`multipleOf` added"),
    ("multiple-of-changed", B, PB, "`multipleOf` changed"),
    ("multiple-of-removed", NB, PB, "`multipleOf` removed"),
    ("one-of-added", NB, B, "a `oneOf` alternative added"),
    ("one-of-removed", B, PB, "a `oneOf` alternative removed"),
    ("any-of-added", NB, B, "an `anyOf` alternative added"),
    ("any-of-removed", B, PB, "an `anyOf` alternative removed"),
    (
        "union-kind-changed",
        PB,
        PB,
        "`oneOf` became `anyOf` or the reverse",
    ),
    (
        "wrapped-in-one-of",
        B,
        B,
        "a schema became a `oneOf` (request: an old payload matching several overlapping alternatives is rejected)",
    ),
    ("wrapped-in-any-of", PB, B, "a schema became an `anyOf`"),
    (
        "unwrapped-from-union",
        B,
        PB,
        "a schema stopped being a `oneOf`/`anyOf`",
    ),
    (
        "all-of-added",
        B,
        NB,
        "an `allOf` member added (request: its constraints now apply too)",
    ),
    (
        "all-of-removed",
        PB,
        NB,
        "an `allOf` member removed (its properties are reported on their own)",
    ),
    (
        "all-of-added-annotation-only",
        NB,
        NB,
        "an `allOf` member holding only annotations added",
    ),
    (
        "all-of-removed-annotation-only",
        NB,
        NB,
        "an `allOf` member holding only annotations removed",
    ),
    ("discriminator-added", NB, NB, "a `discriminator` added"),
    ("discriminator-removed", NB, NB, "a `discriminator` removed"),
    (
        "discriminator-property-name-changed",
        NB,
        NB,
        "`discriminator.propertyName` changed",
    ),
    (
        "discriminator-mapping-added",
        NB,
        NB,
        "a `discriminator.mapping` entry added",
    ),
    (
        "discriminator-mapping-deleted",
        NB,
        NB,
        "a `discriminator.mapping` entry removed",
    ),
    (
        "discriminator-mapping-changed",
        NB,
        NB,
        "a `discriminator.mapping` entry points elsewhere",
    ),
    (
        "additional-properties-forbidden",
        B,
        NB,
        "`additionalProperties: false` added",
    ),
    (
        "additional-properties-allowed",
        NB,
        PB,
        "`additionalProperties: false` removed",
    ),
    (
        "additional-properties-schema-added",
        B,
        NB,
        "map values got a schema where any value was allowed",
    ),
    (
        "additional-properties-schema-removed",
        NB,
        PB,
        "map values lost their schema: any value is allowed",
    ),
    ("deprecated", NB, NB, "a property deprecated"),
    ("reactivated", NB, NB, "a property no longer deprecated"),
];

/// Every rule, keyed by id.
static CATALOGUE: LazyLock<BTreeMap<String, Rule>> = LazyLock::new(|| {
    let mut rules = BTreeMap::new();
    for (id, severity, description) in FIXED {
        rules.insert(
            id.to_string(),
            Rule {
                id: id.to_string(),
                severity: *severity,
                description: description.to_string(),
            },
        );
    }
    for (suffix, request, response, description) in SCHEMA {
        let sides = [(REQUEST_SCOPES, *request), (RESPONSE_SCOPES, *response)];
        for (scopes, severity) in sides {
            for scope in scopes {
                let id = format!("{scope}-{suffix}");
                rules.insert(
                    id.clone(),
                    Rule {
                        id,
                        severity,
                        description: description.to_string(),
                    },
                );
            }
        }
    }
    rules
});

/// Every rule, sorted by id.
pub fn all() -> Vec<Rule> {
    CATALOGUE.values().cloned().collect()
}

/// The rule with this id.
pub fn find(id: &str) -> Option<&'static Rule> {
    CATALOGUE.get(id)
}

/// The severity of a rule id. An id missing from the catalogue is a bug in this crate (the
/// test corpus checks every reported id); it is reported as breaking rather than lost.
pub(crate) fn severity(id: &str) -> Severity {
    find(id).map_or(Severity::Breaking, |rule| rule.severity)
}
