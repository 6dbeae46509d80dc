//! A deployment's status follows its age, and the deployment faults misreport it, without a
//! server.

use chrono::{TimeDelta, Utc};
use sb_provider::internals::{DeploymentRow, Misreport, status_at};
use sitebuilder_contract::validation::types as vt;

#[test]
fn status_follows_age() {
    let created = Utc::now();
    let d = DeploymentRow {
        id: "d".into(),
        tenant: "t".into(),
        site_id: "s".into(),
        environment: "staging".into(),
        created_at: created,
        step_ms: 100,
        url: "https://x/".into(),
    };
    let at = |ms| {
        status_at(
            &d,
            created + TimeDelta::milliseconds(ms),
            Misreport::default(),
        )
        .0
    };
    assert_eq!(at(0), vt::DeploymentStatus::Pending);
    assert_eq!(at(150), vt::DeploymentStatus::InProgress);
    assert_eq!(at(250), vt::DeploymentStatus::Succeeded);
    let stuck = Misreport {
        stuck: true,
        ..Misreport::default()
    };
    assert_eq!(
        status_at(&d, created + TimeDelta::seconds(9), stuck).0,
        vt::DeploymentStatus::Pending
    );
    let skipping = Misreport {
        skip_in_progress: true,
        ..Misreport::default()
    };
    let skipped = |ms| status_at(&d, created + TimeDelta::milliseconds(ms), skipping).0;
    assert_eq!(skipped(150), vt::DeploymentStatus::Pending);
    assert_eq!(skipped(250), vt::DeploymentStatus::Succeeded);
}
