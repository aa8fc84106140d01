//! Static files: hashed names cached for good and sent precompressed, the rest revalidated.
use crate::common::*;
use axum::body::Body;
use axum::http::StatusCode;
use keyward::server::config::Config;

/// Static files: content-hashed names are cached for good, the brotli file compressed at
/// build time is sent as is to browsers that take brotli, and a missing file is never cached.
#[tokio::test]
async fn hashed_static_files_are_immutable_and_sent_precompressed() {
    let site = std::env::temp_dir().join(format!("keyward-site-{}", uuid::Uuid::new_v4().simple()));
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).expect("site dir");
    let hashed = "keyward.Ab3dEf6hIj9lMn2pQr5tUv.wasm";
    std::fs::write(pkg.join(hashed), b"\0asm raw bytes").expect("wasm");
    std::fs::write(pkg.join(format!("{hashed}.br")), b"pretend brotli").expect("br");
    std::fs::write(pkg.join("keyward.css"), b"body{}").expect("css");
    let config = Config {
        site_root: site.display().to_string(),
        ..Config::default()
    };
    let app = TestApp::with_config(config).await;
    let get = |path: String, encoding: &'static str| {
        request(
            "GET",
            &path,
            &[("accept-encoding", encoding)],
            Body::empty(),
        )
    };

    let br = app.send(get(format!("/pkg/{hashed}"), "gzip, br")).await;
    assert_eq!(br.status, StatusCode::OK);
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert_eq!(&br.body[..], b"pretend brotli");
    assert!(
        br.header("vary")
            .is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")),
        "a shared cache must keep the brotli and plain answers apart: {:?}",
        br.headers
    );
    assert_eq!(
        br.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );

    let plain = app.send(get(format!("/pkg/{hashed}"), "identity")).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert_eq!(plain.header("content-encoding"), None);
    assert!(plain
        .header("vary")
        .is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")));
    assert_eq!(&plain.body[..], b"\0asm raw bytes");

    // Unhashed names (development builds) are revalidated; missing files are not kept.
    let css = app.send(get("/pkg/keyward.css".into(), "identity")).await;
    assert_eq!(css.header("cache-control"), Some("no-cache"));
    let missing = app
        .send(get("/pkg/keyward.Zz3dEf6hIj9lMn2pQr5tUv.wasm".into(), "br"))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_ne!(
        missing.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let _ = std::fs::remove_dir_all(&site);
}
