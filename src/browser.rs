//! The few browser APIs the UI uses (clipboard, full-page navigation, locale dates), with
//! server-side fallbacks so components compile and render on both sides.

/// Full page load: after sign-in/out the server renders the new session's header.
pub fn go_to(url: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(url);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
}

/// Writes `text` to the clipboard. Needs a secure context and a user gesture.
pub async fn copy_to_clipboard(text: &str) -> Result<(), ()> {
    #[cfg(feature = "hydrate")]
    {
        let window = web_sys::window().ok_or(())?;
        let promise = window.navigator().clipboard().write_text(text);
        wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .map(|_| ())
            .map_err(|_| ())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = text;
        Err(())
    }
}

/// Waits without blocking (client only; a no-op on the server).
pub async fn sleep_ms(ms: u32) {
    #[cfg(feature = "hydrate")]
    gloo_timers::future::TimeoutFuture::new(ms).await;
    #[cfg(not(feature = "hydrate"))]
    let _ = ms;
}

/// What the server renders for a timestamp before the browser can localize it: the UTC date.
pub fn server_date(iso: &str) -> String {
    iso.get(..10).unwrap_or(iso).to_owned()
}

/// The date in the user's locale, e.g. "11/28/2026" or "28.11.2026".
pub fn local_date(iso: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(iso));
        date.to_locale_date_string("default", &wasm_bindgen::JsValue::UNDEFINED)
            .into()
    }
    #[cfg(not(feature = "hydrate"))]
    server_date(iso)
}

/// Date and time in the user's locale, for tooltips.
pub fn local_date_time(iso: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(iso));
        date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED)
            .into()
    }
    #[cfg(not(feature = "hydrate"))]
    iso.to_owned()
}

/// "just now", "2 minutes ago", "3 days ago"; older than a month falls back to the date.
pub fn relative_time(iso: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        let then = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(iso)).get_time();
        let seconds = ((js_sys::Date::now() - then) / 1000.0).max(0.0) as u64;
        describe_age(seconds).unwrap_or_else(|| local_date(iso))
    }
    #[cfg(not(feature = "hydrate"))]
    server_date(iso)
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn describe_age(seconds: u64) -> Option<String> {
    let plural = |n: u64, unit: &str| format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" });
    Some(match seconds {
        0..=59 => "just now".to_owned(),
        60..=3599 => plural(seconds / 60, "minute"),
        3600..=86_399 => plural(seconds / 3600, "hour"),
        86_400..=2_591_999 => plural(seconds / 86_400, "day"),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_naturally() {
        assert_eq!(describe_age(5).unwrap(), "just now");
        assert_eq!(describe_age(60).unwrap(), "1 minute ago");
        assert_eq!(describe_age(150).unwrap(), "2 minutes ago");
        assert_eq!(describe_age(7200).unwrap(), "2 hours ago");
        assert_eq!(describe_age(86_400 * 3).unwrap(), "3 days ago");
        assert!(describe_age(86_400 * 40).is_none());
        assert_eq!(server_date("2026-11-28T01:02:03.000Z"), "2026-11-28");
    }
}
