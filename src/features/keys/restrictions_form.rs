//! The fields of a key's restrictions (permissions, rate limit, allowed addresses), shared by
//! the create dialog and the key's page, checked in the browser by the rules the server uses
//! (`api::restrictions`).
use leptos::prelude::*;

use crate::api::restrictions::{check_allowed_ips, check_rate_limit};
use crate::api::{KeyRestrictions, RateLimit, RestrictionOptions};

/// The windows a rate limit offers, in seconds, with their names.
const WINDOWS: [(u32, &str); 4] = [
    (1, "second"),
    (60, "minute"),
    (3600, "hour"),
    (86_400, "day"),
];

/// "100 requests per minute"; a window that is not one of the four reads in seconds.
pub fn describe_rate_limit(limit: RateLimit) -> String {
    let per = match WINDOWS.iter().find(|(secs, _)| *secs == limit.per_seconds) {
        Some((_, name)) => (*name).to_owned(),
        None => format!("{} seconds", limit.per_seconds),
    };
    let plural = if limit.requests == 1 { "" } else { "s" };
    format!("{} request{plural} per {per}", limit.requests)
}

/// The form's state, one signal per control.
#[derive(Clone, Copy)]
pub struct RestrictionsForm {
    /// `full`, `read` or `custom`.
    access: RwSignal<String>,
    custom: RwSignal<Vec<String>>,
    limited: RwSignal<bool>,
    requests: RwSignal<String>,
    per_seconds: RwSignal<u32>,
    ips: RwSignal<String>,
}

impl RestrictionsForm {
    /// A form showing `current`.
    pub fn new(current: &KeyRestrictions) -> RestrictionsForm {
        let form = RestrictionsForm {
            access: RwSignal::new(String::new()),
            custom: RwSignal::new(Vec::new()),
            limited: RwSignal::new(false),
            requests: RwSignal::new(String::new()),
            per_seconds: RwSignal::new(60),
            ips: RwSignal::new(String::new()),
        };
        form.reset(current);
        form
    }

    pub fn reset(&self, current: &KeyRestrictions) {
        let (access, custom) = match current.scopes.as_deref() {
            None => ("full", Vec::new()),
            Some([only]) if only == "read" => ("read", vec![only.clone()]),
            Some(scopes) => ("custom", scopes.to_vec()),
        };
        self.access.set(access.to_owned());
        self.custom.set(custom);
        self.limited.set(current.rate_limit.is_some());
        let limit = current.rate_limit.unwrap_or(RateLimit {
            requests: 100,
            per_seconds: 60,
        });
        self.requests.set(limit.requests.to_string());
        self.per_seconds.set(limit.per_seconds);
        self.ips.set(
            current
                .allowed_ips
                .as_deref()
                .unwrap_or_default()
                .join("\n"),
        );
    }

    /// The restrictions the form states, or what to fix, by the server's rules.
    pub fn read(&self, options: &RestrictionOptions) -> Result<KeyRestrictions, String> {
        let scopes = match self.access.get_untracked().as_str() {
            "full" => None,
            "read" => Some(vec!["read".to_owned()]),
            _ => {
                let chosen = self.custom.get_untracked();
                if chosen.is_empty() {
                    return Err("Choose at least one permission, or Full access".into());
                }
                Some(chosen)
            }
        };
        let rate_limit = if self.limited.get_untracked() {
            let requests = self
                .requests
                .get_untracked()
                .trim()
                .parse::<u32>()
                .map_err(|_| {
                    format!(
                        "Requests must be a whole number from 1 to {}",
                        options.max_requests
                    )
                })?;
            let limit = RateLimit {
                requests,
                per_seconds: self.per_seconds.get_untracked(),
            };
            check_rate_limit(limit, options.max_requests)
                .map_err(|_| format!("Requests must be from 1 to {}", options.max_requests))?;
            Some(limit)
        } else {
            None
        };
        let entries: Vec<String> = self
            .ips
            .get_untracked()
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|entry| !entry.is_empty())
            .map(str::to_owned)
            .collect();
        let allowed_ips = if entries.is_empty() {
            None
        } else {
            Some(
                check_allowed_ips(&entries)
                    .map_err(|e| e.replacen("allowedIps", "Allowed IPs", 1))?,
            )
        };
        Ok(KeyRestrictions {
            scopes,
            rate_limit,
            allowed_ips,
        })
    }
}

/// The three groups of controls. `id` prefixes the controls' ids (two forms may share a page).
#[component]
pub fn RestrictionsFields(
    form: RestrictionsForm,
    options: RestrictionOptions,
    #[prop(into)] disabled: Signal<bool>,
    id: &'static str,
) -> impl IntoView {
    let RestrictionsForm {
        access,
        custom,
        limited,
        requests,
        per_seconds,
        ips,
    } = form;
    let radio = move |value: &'static str, label: &'static str, hint: &'static str| {
        let input_id = format!("{id}-access-{value}");
        let label_for = input_id.clone();
        view! {
            <label class="choice" for=label_for>
                <input
                    type="radio"
                    id=input_id
                    name=format!("{id}-access")
                    value=value
                    prop:checked=move || access.get() == value
                    on:change=move |_| access.set(value.to_owned())
                    disabled=move || disabled.get()
                />
                <span>{label}<span class="muted">{hint}</span></span>
            </label>
        }
    };
    let scopes = options.scopes.clone();
    // Built anew each time "Custom" is chosen: a view cannot be cloned in every build.
    let scope_boxes = move || {
        scopes
        .iter()
        .enumerate()
        .map(|(i, scope)| {
            let name = scope.name.clone();
            let for_change = name.clone();
            let for_checked = name.clone();
            let input_id = format!("{id}-scope-{i}");
            let label_for = input_id.clone();
            view! {
                <label class="choice" for=label_for>
                    <input
                        type="checkbox"
                        id=input_id
                        name="scopes"
                        value=name
                        prop:checked=move || custom.with(|c| c.contains(&for_checked))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            custom.update(|c| {
                                c.retain(|s| s != &for_change);
                                if on {
                                    c.push(for_change.clone());
                                }
                            });
                        }
                        disabled=move || disabled.get()
                    />
                    <span><code>{scope.name.clone()}</code><span class="muted">{scope.description.clone()}</span></span>
                </label>
            }
        })
        .collect_view()
    };
    let windows = move || {
        WINDOWS
            .iter()
            .map(|(secs, name)| view! { <option value=secs.to_string()>{format!("per {name}")}</option> })
            .collect_view()
    };
    let odd_window = move || {
        let secs = per_seconds.get();
        (!WINDOWS.iter().any(|(w, _)| *w == secs)).then(
            || view! { <option value=secs.to_string()>{format!("per {secs} seconds")}</option> },
        )
    };
    view! {
        <fieldset class="restrictions">
            <legend>"Permissions"</legend>
            {radio("full", "Full access", " — every request the proxy protects")}
            {radio("read", "Read only", " — GET, HEAD and OPTIONS on every path")}
            {radio("custom", "Custom", " — only the permissions chosen below")}
            <Show when=move || access.get() == "custom">
                <div class="scope-list">{scope_boxes.clone()}</div>
            </Show>
        </fieldset>
        <fieldset class="restrictions">
            <legend>"Rate limit"</legend>
            <label class="choice" for=format!("{id}-limited")>
                <input
                    type="checkbox"
                    id=format!("{id}-limited")
                    prop:checked=move || limited.get()
                    on:change=move |ev| limited.set(event_target_checked(&ev))
                    disabled=move || disabled.get()
                />
                <span>"Limit how often this key can be used"</span>
            </label>
            <Show when=move || limited.get()>
                <div class="inline-fields">
                    <label class="visually-hidden" for=format!("{id}-requests")>"Requests"</label>
                    <input
                        id=format!("{id}-requests")
                        type="number"
                        inputmode="numeric"
                        min="1"
                        max=options.max_requests.to_string()
                        prop:value=move || requests.get()
                        on:input=move |ev| requests.set(event_target_value(&ev))
                        disabled=move || disabled.get()
                    />
                    <span>"requests"</span>
                    <label class="visually-hidden" for=format!("{id}-window")>"Window"</label>
                    <select
                        id=format!("{id}-window")
                        prop:value=move || per_seconds.get().to_string()
                        on:change=move |ev| {
                            if let Ok(secs) = event_target_value(&ev).parse() {
                                per_seconds.set(secs);
                            }
                        }
                        disabled=move || disabled.get()
                    >
                        {windows()}
                        {odd_window}
                    </select>
                </div>
            </Show>
        </fieldset>
        <label for=format!("{id}-ips")>"Allowed IPs " <span class="muted">"(optional)"</span></label>
        <textarea
            id=format!("{id}-ips")
            rows="2"
            spellcheck="false"
            placeholder="Any address. Or one per line: 203.0.113.7, 203.0.113.0/24, 2001:db8::/32"
            prop:value=move || ips.get()
            on:input=move |ev| ips.set(event_target_value(&ev))
            disabled=move || disabled.get()
        ></textarea>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limits_read_naturally() {
        let limit = |requests, per_seconds| RateLimit {
            requests,
            per_seconds,
        };
        assert_eq!(
            describe_rate_limit(limit(100, 60)),
            "100 requests per minute"
        );
        assert_eq!(describe_rate_limit(limit(1, 86_400)), "1 request per day");
        assert_eq!(
            describe_rate_limit(limit(5, 90)),
            "5 requests per 90 seconds"
        );
    }
}
