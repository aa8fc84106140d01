//! A key's use over 30 days, as a chart and as a table.
use leptos::prelude::*;

use crate::api::DailyUsage;
use crate::browser::server_date;

/// Bar heights come in 5 % steps, as classes (`h0` … `h20`): the page's policy allows no
/// inline style, and twenty-one rules cost less than any script.
const STEPS: i64 = 20;

/// `1234567` as "1,234,567".
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn calls(n: i64) -> String {
    format!("{} call{}", thousands(n), if n == 1 { "" } else { "s" })
}

/// 30 days of use as bars, each focusable (and so tappable) with its day and value, a scale
/// (the busiest day), a legend for today, and the same numbers in a table for screen readers.
/// Plain HTML and CSS: it reads the same before, after and without the WASM.
#[component]
pub fn UsageChart(usage: Vec<DailyUsage>) -> impl IntoView {
    let total: i64 = usage.iter().map(|d| d.count).sum();
    let limited: i64 = usage.iter().map(|d| d.rate_limited).sum();
    let busiest = usage.iter().map(|d| d.count).max().unwrap_or(0);
    let last = usage.len().saturating_sub(1);
    let bars = usage
        .iter()
        .enumerate()
        .map(|(i, day)| {
            // An empty day still shows a sliver, so the 30 slots read as a timeline.
            let step = if day.count > 0 {
                (day.count.saturating_mul(STEPS) / busiest.max(1)).max(1)
            } else {
                0
            };
            let kind = match (day.count, i == last) {
                (0, _) => "empty",
                (_, true) => "today",
                _ => "used",
            };
            let mut label = format!("{}: {}", server_date(&day.date), calls(day.count));
            if day.rate_limited > 0 {
                label.push_str(&format!(", {} rate limited", thousands(day.rate_limited)));
            }
            let tip = label.clone();
            view! {
                <li class=format!("bar {kind} h{step}") tabindex="0" aria-label=label>
                    <span class="bar-tip" aria-hidden="true">{tip}</span>
                </li>
            }
        })
        .collect_view();
    let rows = usage
        .iter()
        .map(|day| {
            view! {
                <tr>
                    <td>{server_date(&day.date)}</td>
                    <td>{thousands(day.count)}</td>
                    <td>{thousands(day.rate_limited)}</td>
                </tr>
            }
        })
        .collect_view();
    let first_date = usage
        .first()
        .map(|d| server_date(&d.date))
        .unwrap_or_default();
    let chart = if total == 0 && limited == 0 {
        view! { <p class="chart-empty">"No calls in the last 30 days."</p> }.into_any()
    } else {
        view! {
            <div class="chart-frame">
                <div class="chart-scale" aria-hidden="true">
                    <span>{thousands(busiest)}</span>
                    <span>"0"</span>
                </div>
                <ol class="chart" aria-label="Calls per day">{bars}</ol>
            </div>
            <div class="chart-axis" aria-hidden="true">
                <span>{first_date}</span>
                <span>"Today"</span>
            </div>
            <p class="chart-legend muted">
                <span class="swatch used" aria-hidden="true"></span>" Calls per day (the scale shows the busiest) "
                <span class="swatch today" aria-hidden="true"></span>" Today"
            </p>
        }
        .into_any()
    };
    view! {
        <section class="card" aria-labelledby="usage-title">
            <h2 id="usage-title" class="card-title">"Usage, last 30 days"</h2>
            <p class="usage-total">{calls(total)}</p>
            <p class="muted">
                "Successful calls with any version of this key, per day (UTC)."
                {(limited > 0).then(|| format!(" {} more were refused for the rate limit.", thousands(limited)))}
            </p>
            {chart}
            <table class="visually-hidden">
                <caption>"Successful calls per day, last 30 days"</caption>
                <thead><tr><th scope="col">"Date (UTC)"</th><th scope="col">"Calls"</th><th scope="col">"Rate limited"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn numbers_have_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(-1234), "-1,234");
    }
}
