//! A key's use over 30 days, as a chart and as a table.
use leptos::prelude::*;

use crate::api::DailyUsage;

/// 30 days of use as a bar chart drawn here as inline SVG (no chart library, nothing in
/// the WASM beyond these few lines), with the same numbers in a table for screen readers.
/// Coordinates are whole numbers in a viewBox the chart stretches to fit: formatting an
/// `f64` pulled the float printer into the WASM (7.9 kB brotli; bench/results) for no
/// visible gain.
#[component]
pub fn UsageChart(usage: Vec<DailyUsage>) -> impl IntoView {
    const SLOT: usize = 10;
    const HEIGHT: i64 = 100;
    let total: i64 = usage.iter().map(|d| d.count).sum();
    let busiest = usage.iter().map(|d| d.count).max().unwrap_or(0).max(1);
    let last = usage.len().saturating_sub(1);
    let bars = usage
        .iter()
        .enumerate()
        .map(|(i, day)| {
            // An empty day still shows a sliver, so the 30 slots read as a timeline.
            let height = if day.count > 0 {
                (day.count.saturating_mul(HEIGHT - 4) / busiest).max(2)
            } else {
                1
            };
            let class = match (day.count, i == last) {
                (0, _) => "bar empty",
                (_, true) => "bar today",
                _ => "bar",
            };
            let tooltip = format!("{}: {}", day.date, requests(day.count));
            view! {
                <rect
                    class=class
                    x=(i * SLOT + 1).to_string()
                    y=(HEIGHT - height).to_string()
                    width=(SLOT - 2).to_string()
                    height=height.to_string()
                >
                    <title>{tooltip}</title>
                </rect>
            }
        })
        .collect_view();
    let rows = usage
        .iter()
        .map(|day| view! { <tr><td>{day.date.clone()}</td><td>{day.count}</td></tr> })
        .collect_view();
    let first_date = usage.first().map(|d| d.date.clone()).unwrap_or_default();
    view! {
        <section class="card" aria-labelledby="usage-title">
            <h2 id="usage-title" class="card-title">"Usage, last 30 days"</h2>
            <p class="usage-total">{requests(total)}</p>
            <p class="muted">"Successful calls with any version of this key, per day (UTC)."</p>
            <svg
                class="chart"
                viewBox=format!("0 0 {} {HEIGHT}", usage.len().max(1) * SLOT)
                preserveAspectRatio="none"
                aria-hidden="true"
                focusable="false"
            >
                {bars}
            </svg>
            <div class="chart-axis" aria-hidden="true">
                <span>{first_date}</span>
                <span>"Today"</span>
            </div>
            <table class="visually-hidden">
                <caption>"Successful calls per day, last 30 days"</caption>
                <thead><tr><th scope="col">"Date (UTC)"</th><th scope="col">"Calls"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

fn requests(n: i64) -> String {
    format!("{n} call{}", if n == 1 { "" } else { "s" })
}
