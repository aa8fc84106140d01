//! Every API route is documented by construction: none is added outside `rest::api()`.

/// Routes are only added through `rest::api()` (documented by construction); the app's
/// other routes are the pages, the static files and the page fallback.
#[test]
fn no_route_bypasses_the_documented_list() {
    let rest = include_str!("../../../src/server/rest/mod.rs");
    assert!(
        !rest.contains(".route("),
        "rest/mod.rs adds a route outside `routes!`"
    );
    let app = include_str!("../../../src/site/router.rs");
    assert_eq!(
        app.matches(".route(").count(),
        app.matches(".route(page, axum::routing::get(reference.clone()))")
            .count(),
        "router.rs adds a route outside rest::api() other than the server-only pages"
    );
    assert_eq!(
        app.matches(".nest_service(").count(),
        1,
        "only /pkg is nested in router.rs"
    );
}
