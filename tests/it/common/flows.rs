//! What a user does through the API, one call each: register, sign in, create, list and
//! regenerate keys, call `/api/v1/me`. The ones that return a cookie or a key assert they worked.
use super::app::TestApp;
use super::response::{json_request, request, TestResponse};
use super::{json, Body, StatusCode, Value, PASSWORD};

impl TestApp {
    /// Registers `email` with [`PASSWORD`] and returns the `Cookie` header value
    /// (`keyward_session=<token>`) of the new session.
    pub async fn register(&self, email: &str) -> String {
        let resp = self
            .post_json(
                "/api/auth/register",
                &json!({ "email": email, "password": PASSWORD }),
                None,
            )
            .await;
        assert_eq!(
            resp.status,
            StatusCode::CREATED,
            "registering {email} failed: {}",
            resp.text
        );
        resp.session_cookie()
            .unwrap_or_else(|| panic!("registration set no session cookie: {:?}", resp.headers))
    }

    /// Signs in with [`PASSWORD`], asserts 200 and returns the new session's cookie.
    pub async fn login(&self, email: &str) -> String {
        let resp = self
            .post_json(
                "/api/auth/login",
                &json!({ "email": email, "password": PASSWORD }),
                None,
            )
            .await;
        assert_eq!(resp.status, StatusCode::OK, "login failed: {}", resp.text);
        resp.session_cookie()
            .unwrap_or_else(|| panic!("login set no session cookie: {:?}", resp.headers))
    }

    /// Creates a key, asserts 200 and returns the JSON answer (with `fullKey`).
    pub async fn create_key(&self, cookie: &str, name: &str) -> Value {
        let resp = self
            .post_json("/api/api-keys", &json!({ "name": name }), Some(cookie))
            .await;
        assert_eq!(
            resp.status,
            StatusCode::OK,
            "creating key {name:?} failed: {}",
            resp.text
        );
        resp.json
    }

    /// Creates a key from a whole create body (name, restrictions…), asserts 200 and returns
    /// the answer.
    pub async fn create_key_with(&self, cookie: &str, body: Value) -> Value {
        let resp = self.post_json("/api/api-keys", &body, Some(cookie)).await;
        assert_eq!(
            resp.status,
            StatusCode::OK,
            "creating {body} failed: {}",
            resp.text
        );
        resp.json
    }

    /// `PATCH /api/api-keys/{id}` with `body`.
    pub async fn patch_key(&self, cookie: &str, id: &str, body: Value) -> TestResponse {
        self.send(json_request(
            "PATCH",
            &format!("/api/api-keys/{id}"),
            &body,
            Some(cookie),
        ))
        .await
    }

    pub async fn regenerate(&self, cookie: Option<&str>, id: &str) -> TestResponse {
        self.post_empty(&format!("/api/api-keys/{id}"), cookie)
            .await
    }

    /// `GET /api/api-keys`, asserting 200; returns the `keys` array.
    pub async fn list_keys(&self, cookie: &str) -> Vec<Value> {
        let resp = self.get("/api/api-keys", Some(cookie)).await;
        assert_eq!(
            resp.status,
            StatusCode::OK,
            "listing keys failed: {}",
            resp.text
        );
        resp.json["keys"]
            .as_array()
            .unwrap_or_else(|| panic!("no `keys` array in {}", resp.text))
            .clone()
    }

    /// `GET /api/v1/me` with `Authorization: Bearer <key>`.
    pub async fn me(&self, key: &str) -> TestResponse {
        let bearer = format!("Bearer {key}");
        self.send(request(
            "GET",
            "/api/v1/me",
            &[("authorization", bearer.as_str())],
            Body::empty(),
        ))
        .await
    }
}
