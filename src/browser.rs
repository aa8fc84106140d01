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

/// `text` percent-encoded for a query string value (everything but unreserved characters).
pub fn encode_query_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// This page's origin, e.g. `https://keys.example.com` (on the server: the one the response
/// was rendered for, when known).
pub fn page_origin() -> String {
    #[cfg(feature = "hydrate")]
    if let Some(origin) = web_sys::window().and_then(|w| w.location().origin().ok()) {
        return origin;
    }
    #[cfg(feature = "ssr")]
    if let Some(crate::api::forms::PageOrigin(origin)) = leptos::prelude::use_context() {
        return origin;
    }
    String::new()
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

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// "Dec 3, 2026": one unambiguous form, the same from the server and in the browser.
pub fn format_day(year: i64, month: u32, day: u32) -> String {
    let name = MONTHS
        .get(month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("?");
    format!("{name} {day}, {year}")
}

/// What the server renders for a timestamp before the browser can localize it: the UTC date.
pub fn server_date(iso: &str) -> String {
    let mut parts = iso.get(..10).unwrap_or(iso).split('-');
    match (
        parts.next().and_then(|y| y.parse().ok()),
        parts.next().and_then(|m| m.parse().ok()),
        parts.next().and_then(|d| d.parse().ok()),
    ) {
        (Some(y), Some(m), Some(d)) => format_day(y, m, d),
        _ => iso.to_owned(),
    }
}

/// The date in the user's time zone, as `format_day` writes it.
pub fn local_date(iso: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(iso));
        if date.get_time().is_nan() {
            return server_date(iso);
        }
        format_day(
            i64::from(date.get_full_year()),
            date.get_month() + 1,
            date.get_date(),
        )
    }
    #[cfg(not(feature = "hydrate"))]
    server_date(iso)
}

/// Date and time for tooltips: the user's locale in the browser, UTC from the server
/// ("Dec 3, 2026, 14:38 UTC").
pub fn local_date_time(iso: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(iso));
        date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED)
            .into()
    }
    #[cfg(not(feature = "hydrate"))]
    match iso.get(11..16) {
        Some(time) => format!("{}, {time} UTC", server_date(iso)),
        None => iso.to_owned(),
    }
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

/// Milliseconds since the epoch: the browser's clock, or the server's while rendering.
pub fn now_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now()
    }
    #[cfg(all(feature = "ssr", not(feature = "hydrate")))]
    {
        chrono::Utc::now().timestamp_millis() as f64
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        0.0
    }
}

/// An RFC 3339 time in milliseconds since the epoch (`NaN` if it does not parse).
pub fn iso_ms(iso: &str) -> f64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::new(&wasm_bindgen::JsValue::from_str(iso)).get_time()
    }
    #[cfg(all(feature = "ssr", not(feature = "hydrate")))]
    {
        chrono::DateTime::parse_from_rfc3339(iso).map_or(f64::NAN, |t| t.timestamp_millis() as f64)
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        let _ = iso;
        f64::NAN
    }
}

/// RFC 3339 for "`days` days from now" (browser only; the server never builds one).
pub fn iso_in_days(days: u32) -> String {
    #[cfg(feature = "hydrate")]
    {
        let at = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
            js_sys::Date::now() + f64::from(days) * 86_400_000.0,
        ));
        at.to_iso_string().into()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = days;
        String::new()
    }
}

/// RFC 3339 for the last second of a `YYYY-MM-DD` day in the user's time zone: a key set to
/// expire "on" a date works through that whole day.
pub fn iso_end_of_local_day(date: &str) -> Option<String> {
    let mut parts = date.split('-').map(|p| p.parse::<u32>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    #[cfg(feature = "hydrate")]
    {
        let at =
            js_sys::Date::new_with_year_month_day_hr_min_sec(y, m as i32 - 1, d as i32, 23, 59, 59);
        let ms = at.get_time();
        (!ms.is_nan()).then(|| at.to_iso_string().into())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (y, m, d);
        None
    }
}

/// `YYYY-MM-DD` in the user's time zone, `days` from today (for a date input's min and max).
pub fn local_date_in_days(days: u32) -> String {
    #[cfg(feature = "hydrate")]
    {
        let at = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
            js_sys::Date::now() + f64::from(days) * 86_400_000.0,
        ));
        format!(
            "{:04}-{:02}-{:02}",
            at.get_full_year(),
            at.get_month() + 1,
            at.get_date()
        )
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = days;
        String::new()
    }
}

/// How an expiry reads next to a key, and whether it has passed: "Never", "in 12 days",
/// "in 5 hours", "Expired".
pub fn describe_expiry(iso: Option<&str>, now_ms: f64) -> (String, bool) {
    let Some(iso) = iso else {
        return ("Never".to_owned(), false);
    };
    let left_ms = iso_ms(iso) - now_ms;
    if left_ms.is_nan() {
        return (server_date(iso), false);
    }
    if left_ms <= 0.0 {
        return ("Expired".to_owned(), true);
    }
    let unit = |n: f64, unit: &str| {
        let n = n.round().max(1.0) as u64;
        format!("in {n} {unit}{}", if n == 1 { "" } else { "s" })
    };
    let hours = left_ms / 3_600_000.0;
    let text = if hours < 1.0 {
        unit(left_ms / 60_000.0, "minute")
    } else if hours < 24.0 {
        unit(hours, "hour")
    } else {
        unit(hours / 24.0, "day")
    };
    (text, false)
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
        assert_eq!(server_date("2026-11-28T01:02:03.000Z"), "Nov 28, 2026");
        assert_eq!(server_date("2027-01-05"), "Jan 5, 2027");
        assert_eq!(server_date("garbage"), "garbage");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn expiry_reads_naturally() {
        let now = iso_ms("2026-11-28T12:00:00Z");
        let reads = |iso: &str| describe_expiry(Some(iso), now);
        assert_eq!(describe_expiry(None, now), ("Never".into(), false));
        assert_eq!(reads("2026-12-05T11:59:59Z"), ("in 7 days".into(), false));
        assert_eq!(reads("2026-12-10T12:00:00Z"), ("in 12 days".into(), false));
        assert_eq!(reads("2026-11-28T17:00:00Z"), ("in 5 hours".into(), false));
        assert_eq!(reads("2026-11-28T12:01:00Z"), ("in 1 minute".into(), false));
        assert_eq!(reads("2026-11-28T11:00:00Z"), ("Expired".into(), true));
        assert_eq!(reads("2026-11-28T12:00:00Z"), ("Expired".into(), true));
    }
}
