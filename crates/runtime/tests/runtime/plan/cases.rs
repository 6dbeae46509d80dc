//! `sb_plan::cases`: the generated inputs.

use std::collections::BTreeSet;
use std::path::Path;

use sb_plan::cases::{
    Case, CaseOptions, CaseSet, Constraint, DEFAULT_SEED, MAX_CASES, Payload, Variant, cases,
};
use sb_plan::examples::MAX_LEN;
use sb_spec::Spec;
use serde_json::{Value, json};

const SPEC: &str = r##"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /pets:
    post:
      operationId: createPet
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100}, example: 10}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
            example: {name: Rex, kind: dog, age: 3, colour: '#0066CC', tags: [a], owner: {email: a@example.com}}
      responses:
        '201': {description: created}
        '400': {description: invalid}
components:
  schemas:
    Colour: {type: string, pattern: '^#[0-9A-Fa-f]{6}$'}
    Pet:
      type: object
      required: [name, kind]
      properties:
        name: {type: string, minLength: 2, maxLength: 40}
        kind: {type: string, enum: [dog, cat, bird]}
        age: {type: integer, minimum: 0, maximum: 30}
        weight: {type: number, minimum: 0.5, maximum: 80}
        colour: {$ref: '#/components/schemas/Colour'}
        tags: {type: array, maxItems: 3, items: {type: string, minLength: 1}}
        petId: {type: string}
        owner:
          type: object
          additionalProperties: false
          required: [email]
          properties:
            email: {type: string, format: email}
            vip: {type: boolean}
"##;

fn spec() -> Spec {
    Spec::from_str(Path::new("pets.yaml"), SPEC).unwrap()
}

fn all(seed: u64, budget: usize) -> CaseSet {
    let spec = spec();
    let op = spec.operation("createPet").unwrap();
    cases(&spec, &op, CaseOptions { seed, budget })
}

fn body(case: &Case<impl Sized>) -> &Value {
    match &case.body {
        Payload::Json(v) => v,
        Payload::Empty | Payload::Example => &Value::Null,
    }
}

#[test]
fn the_same_seed_gives_the_same_cases_and_another_seed_other_draws() {
    assert_eq!(all(7, MAX_CASES), all(7, MAX_CASES));
    assert_eq!(all(7, 5), all(7, 5));
    assert_ne!(all(7, MAX_CASES).positives, all(8, MAX_CASES).positives);
}

#[test]
fn every_constraint_is_broken_once_and_alone() {
    let set = all(DEFAULT_SEED, MAX_CASES);
    let broken: Vec<(String, Constraint)> = set
        .negatives
        .iter()
        .map(|c| (c.field.clone(), c.kind))
        .collect();
    let expected = [
        ("name", Constraint::MinLength),
        ("name", Constraint::MaxLength),
        ("name", Constraint::Type),
        // `kind`: a wrong type is also outside the enum, so it cannot break `type` alone.
        ("kind", Constraint::Enum),
        ("age", Constraint::Minimum),
        ("age", Constraint::Maximum),
        ("age", Constraint::Type),
        ("weight", Constraint::Minimum),
        ("weight", Constraint::Maximum),
        ("weight", Constraint::Type),
        ("colour", Constraint::Pattern),
        ("colour", Constraint::Type),
        ("tags", Constraint::MaxItems),
        ("tags", Constraint::Type),
        ("tags[0]", Constraint::MinLength),
        ("tags[0]", Constraint::Type),
        ("petId", Constraint::Type),
        ("owner.email", Constraint::Required),
        ("owner", Constraint::AdditionalProperties),
        ("owner", Constraint::Type),
        ("owner.email", Constraint::Format),
        ("owner.email", Constraint::Type),
        ("owner.vip", Constraint::Type),
        ("name", Constraint::Required),
        ("kind", Constraint::Required),
        ("body", Constraint::EmptyObject),
        ("body", Constraint::NoBody),
    ];
    for (field, constraint) in expected {
        let n = broken
            .iter()
            .filter(|(f, c)| f == field && *c == constraint)
            .count();
        assert_eq!(n, 1, "{field} {constraint:?} broken {n} times: {broken:?}");
    }

    let spec = spec();
    let validator = spec
        .validator(&json!({"$ref": "#/components/schemas/Pet"}))
        .unwrap();
    let example = json!({"name": "Rex", "kind": "dog", "age": 3, "colour": "#0066CC", "tags": ["a"], "owner": {"email": "a@example.com"}});
    for case in set.negatives.iter().filter(|c| c.param.is_none()) {
        assert!(!validator.is_valid(body(case)), "{case}");
    }
    // The query parameter: each bound broken, with the example body.
    for (value, kind) in [("0", Constraint::Minimum), ("101", Constraint::Maximum)] {
        let case = set
            .negatives
            .iter()
            .find(|c| c.field == "limit" && c.kind == kind)
            .unwrap_or_else(|| panic!("no {kind:?} case for limit"));
        assert_eq!(case.body, Payload::Example);
        assert_eq!(case.param.as_ref().map(|p| p.value.as_str()), Some(value));
    }
    // The pattern case changes one character of the example's colour.
    let pattern = set
        .negatives
        .iter()
        .find(|c| c.kind == Constraint::Pattern)
        .unwrap();
    let colour = body(pattern)["colour"].as_str().unwrap();
    assert_eq!(colour.len(), 7, "{colour}");
    assert_eq!(
        colour
            .chars()
            .zip("#0066CC".chars())
            .filter(|(a, b)| a != b)
            .count(),
        1
    );
    // Minimal: everything but the broken field is the example's.
    let mut rest = body(pattern).clone();
    rest["colour"] = example["colour"].clone();
    assert_eq!(rest, example);
}

#[test]
fn positives_are_valid_and_respect_the_bounds() {
    let set = all(DEFAULT_SEED, MAX_CASES);
    let spec = spec();
    let validator = spec
        .validator(&json!({"$ref": "#/components/schemas/Pet"}))
        .unwrap();
    for case in set.positives.iter().filter(|c| c.param.is_none()) {
        assert!(validator.is_valid(body(case)), "{case}");
    }
    let has = |kind: Variant, field: &str| {
        set.positives
            .iter()
            .any(|c| c.kind == kind && c.field == field)
    };
    for (kind, field) in [
        (Variant::Bound, "age"),
        (Variant::Bound, "weight"),
        (Variant::Bound, "name"),
        (Variant::EnumValue, "kind"),
        (Variant::Omitted, "age"),
        (Variant::Present, "weight"),
        (Variant::NonAscii, "name"),
        (Variant::Emoji, "name"),
        (Variant::Pattern, "colour"),
        (Variant::EmptyArray, "tags"),
        (Variant::MaximalArray, "tags"),
        (Variant::Boolean, "owner.vip"),
        (Variant::Format, "owner.email"),
        (Variant::ExtraField, "body"),
    ] {
        assert!(has(kind, field), "no {kind:?} for {field}");
    }
    let limits: Vec<&str> = set
        .positives
        .iter()
        .filter_map(|c| c.param.as_ref())
        .map(|p| p.value.as_str())
        .collect();
    assert!(
        limits.contains(&"1") && limits.contains(&"100"),
        "{limits:?}"
    );
    // additionalProperties: false on owner: no extra field there.
    assert!(!has(Variant::ExtraField, "owner"));
    // Ids keep their example (none here): never a made-up petId.
    assert!(!set.positives.iter().any(|c| c.field == "petId"));
    let values = |field: &str| -> Vec<Value> {
        set.positives
            .iter()
            .filter(|c| c.field == field)
            .map(|c| body(c)[field].clone())
            .collect()
    };
    assert!(values("age").contains(&json!(0)) && values("age").contains(&json!(30)));
    let kinds = values("kind");
    for kind in ["dog", "cat", "bird"] {
        assert!(kinds.contains(&json!(kind)) || kind == "dog", "{kinds:?}");
    }
    assert!(values("name").contains(&json!("a".repeat(40))));
}

#[test]
fn the_budget_is_respected_and_covers_every_kind_first() {
    let whole = all(3, MAX_CASES);
    assert!(whole.all_negatives > 10 && whole.all_positives > 10);
    for budget in [1, 2, 5, 10, 1_000_000] {
        let set = all(3, budget);
        let cap = budget.clamp(1, MAX_CASES);
        assert!(
            set.positives.len() <= cap && set.negatives.len() <= cap,
            "{budget}"
        );
        assert_eq!(set.negatives.len(), cap.min(whole.all_negatives));
    }
    let kinds: BTreeSet<Constraint> = whole.negatives.iter().map(|c| c.kind).collect();
    let set = all(3, kinds.len());
    let covered: BTreeSet<Constraint> = set.negatives.iter().map(|c| c.kind).collect();
    assert_eq!(covered, kinds);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

    /// For any seed and budget: the same cases twice, within the budget, positives
    /// valid and negatives invalid against the body's schema.
    #[test]
    fn any_seed_and_budget(seed in proptest::prelude::any::<u64>(), budget in 0usize..2 * MAX_CASES) {
        let set = all(seed, budget);
        proptest::prop_assert_eq!(&set, &all(seed, budget));
        let cap = budget.clamp(1, MAX_CASES);
        proptest::prop_assert!(set.positives.len() <= cap && set.negatives.len() <= cap);
        proptest::prop_assert_eq!(set.positives.len(), cap.min(set.all_positives));
        let spec = spec();
        let validator = spec.validator(&json!({"$ref": "#/components/schemas/Pet"})).unwrap();
        for case in set.positives.iter().filter(|c| c.param.is_none()) {
            proptest::prop_assert!(validator.is_valid(body(case)), "{}", case);
        }
        for case in set.negatives.iter().filter(|c| c.param.is_none()) {
            proptest::prop_assert!(!validator.is_valid(body(case)), "{}", case);
        }
    }
}

#[test]
fn huge_bounds_drive_no_huge_values() {
    let spec = Spec::from_str(
        Path::new("huge.yaml"),
        &SPEC
            .replace(
                "minLength: 2, maxLength: 40",
                "minLength: 2, maxLength: 2147483647",
            )
            .replace("maxItems: 3", "maxItems: 4294967295")
            .replace("minimum: 0, maximum: 30", "minimum: -1e300, maximum: 1e300"),
    )
    .unwrap();
    let op = spec.operation("createPet").unwrap();
    let set = cases(
        &spec,
        &op,
        CaseOptions {
            seed: 1,
            budget: MAX_CASES,
        },
    );
    for case in set
        .positives
        .iter()
        .map(|c| body(c).to_string())
        .chain(set.negatives.iter().map(|c| body(c).to_string()))
    {
        assert!(
            case.len() < 4 * MAX_LEN as usize + 1024,
            "{} bytes",
            case.len()
        );
    }
}

// The seed specs.

fn load(file: &str) -> Spec {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../openapi")
        .join(file);
    Spec::load(&path).expect("the spec loads")
}

/// The seed's hex colours (`HexColor`, a `pattern`) get a pattern-breaking negative, in
/// the logo request's `colors` and in the page request's brand assets.
#[test]
fn the_seed_specs_break_their_patterns() {
    for (file, op, field) in [
        ("agents-api.yaml", "generateLogo", "colors[0]"),
        (
            "generation-api.yaml",
            "generatePage",
            "brandAssets.primaryColor",
        ),
    ] {
        let spec = load(file);
        let op = spec.operation(op).unwrap();
        let set = cases(&spec, &op, CaseOptions::default());
        for case in &set.positives {
            eprintln!("+ {} {:?} {}", op.id, case.kind, case.description);
        }
        for case in &set.negatives {
            eprintln!("- {} {:?} {}", op.id, case.kind, case.description);
        }
        assert!(
            set.negatives
                .iter()
                .any(|c| c.kind == Constraint::Pattern && c.field == field),
            "{}: no pattern case for {field}",
            op.id
        );
        assert_eq!(
            set.all_positives,
            set.positives.len(),
            "{}: over budget",
            op.id
        );
        assert_eq!(
            set.all_negatives,
            set.negatives.len(),
            "{}: over budget",
            op.id
        );
    }
}
