//! The contract as the suites read it (`sb_suites::contract`): generatePage and the servers,
//! from the compiled specs.

use sb_suites::contract::{page, servers};

#[test]
fn generate_page_is_read_from_the_generation_spec() {
    let page = page().expect("generatePage loads");
    let semantics = page.semantics().expect("x-stream");
    assert_eq!(semantics.success.as_deref(), Some("complete"));
    assert_eq!(page.tenant_header(), Some("X-Tenant-Id"));
    assert_eq!(page.path_for("t1").expect("path"), "/sites/t1/generation");
    assert!(page.documents_header("x-generation-id"));
    assert!(page.is_success_status(200) && !page.is_success_status(201));
}

#[test]
fn servers_come_from_the_spec() {
    let servers = servers().expect("servers");
    assert!(
        servers
            .iter()
            .any(|(url, d)| url == "https://api.dev.kimmyai.io/v1" && d == "dev"),
        "{servers:?}"
    );
}
