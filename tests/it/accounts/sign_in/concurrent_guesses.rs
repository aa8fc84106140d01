//! Of sixty wrong guesses fired at once, at most ten are evaluated, on one instance or two.
use super::{assert_retry_after, login_body};
use crate::common::*;
use axum::http::StatusCode;
use keyward::server::config::Config;
use std::sync::Arc;
use tokio::sync::Barrier;

/// Fires 60 wrong guesses at one email at the same instant, spread over `routers`; returns
/// how many were evaluated (answered 401). The others must be refused with 429.
async fn burst_of_wrong_guesses(routers: &[axum::Router], email: &str) -> usize {
    let barrier = Arc::new(Barrier::new(60));
    let tasks: Vec<_> = (0..60)
        .map(|i| {
            let router = routers[i % routers.len()].clone();
            let barrier = barrier.clone();
            let request = json_request("POST", LOGIN, &login_body(email, "not the password"), None);
            tokio::spawn(async move {
                barrier.wait().await;
                send_to(router, request).await
            })
        })
        .collect();
    let mut evaluated = 0;
    for task in tasks {
        let resp = task.await.expect("request task");
        match resp.status {
            StatusCode::UNAUTHORIZED => evaluated += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                assert_retry_after(&resp);
            }
            other => panic!("a wrong guess answered {other}: {}", resp.text),
        }
    }
    evaluated
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_sixty_concurrent_wrong_guesses_at_most_ten_are_evaluated_and_the_right_password_is_refused(
) {
    let app = TestApp::new().await;
    app.register("target@example.com").await;
    let evaluated =
        burst_of_wrong_guesses(std::slice::from_ref(&app.router), "target@example.com").await;
    // Often none is: every reservation commits before any is counted. Never more than ten.
    assert!(evaluated <= 10, "{evaluated} of 60 guesses were evaluated");
    let right = app
        .post_json(LOGIN, &login_body("target@example.com", PASSWORD), None)
        .await;
    assert_error_status(&right, StatusCode::TOO_MANY_REQUESTS);
    assert_retry_after(&right);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_throttle_holds_across_two_instances() {
    let a = TestApp::new().await;
    a.register("target@example.com").await;
    let (b, _) = a.second_instance(Config::default()).await;
    let evaluated =
        burst_of_wrong_guesses(&[a.router.clone(), b.clone()], "target@example.com").await;
    assert!(
        evaluated <= 10,
        "{evaluated} of 60 guesses were evaluated across two instances"
    );
    for router in [a.router.clone(), b] {
        let right = send_to(
            router,
            json_request(
                "POST",
                LOGIN,
                &login_body("target@example.com", PASSWORD),
                None,
            ),
        )
        .await;
        assert_error_status(&right, StatusCode::TOO_MANY_REQUESTS);
        assert_retry_after(&right);
    }
}
