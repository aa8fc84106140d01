//! The fields of a key's restrictions (permissions, rate limit, allowed addresses), shared by
//! the create form and the key's page, checked in the browser by the rules the server uses
//! (`api::forms`). Every control is in the HTML from the start and has a name, so the form
//! posts without the WASM; CSS shows the scopes and the limit's fields when they apply.
use leptos::prelude::*;

use crate::api::forms::{RestrictionsInput, WINDOWS};
use crate::api::{KeyRestrictions, RateLimit, RestrictionOptions};

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
    access: RwSignal<String>,
    custom: RwSignal<Vec<String>>,
    limited: RwSignal<bool>,
    requests: RwSignal<String>,
    per_seconds: RwSignal<String>,
    ips: RwSignal<String>,
}

impl RestrictionsForm {
    /// A form showing `input`.
    pub fn new(input: &RestrictionsInput) -> RestrictionsForm {
        let form = RestrictionsForm {
            access: RwSignal::new(String::new()),
            custom: RwSignal::new(Vec::new()),
            limited: RwSignal::new(false),
            requests: RwSignal::new(String::new()),
            per_seconds: RwSignal::new(String::new()),
            ips: RwSignal::new(String::new()),
        };
        form.reset(input);
        form
    }

    pub fn reset(&self, input: &RestrictionsInput) {
        let access = if input.access.is_empty() {
            "full"
        } else {
            input.access.as_str()
        };
        self.access.set(access.to_owned());
        self.custom.set(input.scopes.clone());
        self.limited.set(input.limited);
        self.requests.set(input.requests.clone());
        let per_seconds = if input.per_seconds.is_empty() {
            "60"
        } else {
            input.per_seconds.as_str()
        };
        self.per_seconds.set(per_seconds.to_owned());
        self.ips.set(input.allowed_ips.clone());
    }

    pub fn input(&self) -> RestrictionsInput {
        RestrictionsInput {
            access: self.access.get_untracked(),
            scopes: self.custom.get_untracked(),
            limited: self.limited.get_untracked(),
            requests: self.requests.get_untracked(),
            per_seconds: self.per_seconds.get_untracked(),
            allowed_ips: self.ips.get_untracked(),
        }
    }

    /// The restrictions the form states, or what to fix, by the server's rules.
    pub fn read(&self, options: &RestrictionOptions) -> Result<KeyRestrictions, String> {
        self.input().read(options.max_requests)
    }
}

/// The three groups of controls, named as the server reads a posted form. `id` prefixes the
/// controls' ids (two forms may share a page).
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
    // `checked`/`selected` attributes for the server's HTML, `prop:` for the browser's state.
    let radio = move |value: &'static str, label: &'static str, hint: &'static str| {
        let input_id = format!("{id}-access-{value}");
        let label_for = input_id.clone();
        view! {
            <label class="choice" for=label_for>
                <input
                    type="radio"
                    id=input_id
                    name="access"
                    value=value
                    checked=move || access.get() == value
                    prop:checked=move || access.get() == value
                    on:change=move |_| access.set(value.to_owned())
                    disabled=move || disabled.get()
                />
                <span>{label}<span class="muted">{hint}</span></span>
            </label>
        }
    };
    let scope_boxes = options
        .scopes
        .iter()
        .enumerate()
        .map(|(i, scope)| {
            let name = scope.name.clone();
            let (for_change, for_checked, for_prop) = (name.clone(), name.clone(), name.clone());
            let input_id = format!("{id}-scope-{i}");
            let label_for = input_id.clone();
            view! {
                <label class="choice" for=label_for>
                    <input
                        type="checkbox"
                        id=input_id
                        name="scopes"
                        value=name
                        checked=move || custom.with(|c| c.contains(&for_checked))
                        prop:checked=move || custom.with(|c| c.contains(&for_prop))
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
        .collect_view();
    let windows = WINDOWS
        .iter()
        .map(|(secs, name)| {
            let value = secs.to_string();
            let current = value.clone();
            view! {
                <option value=value selected=move || per_seconds.get() == current>
                    {format!("per {name}")}
                </option>
            }
        })
        .collect_view();
    // A window set through the API that is none of the four.
    let odd_window = move || {
        let secs = per_seconds.get();
        (!WINDOWS.iter().any(|(w, _)| w.to_string() == secs)).then(|| {
            view! { <option value=secs.clone() selected=true>{format!("per {secs} seconds")}</option> }
        })
    };
    view! {
        <fieldset class="restrictions permissions-choice">
            <legend>"Permissions"</legend>
            {radio("full", "Full access", " — every request the proxy protects")}
            {radio("read", "Read only", " — GET, HEAD and OPTIONS on every path")}
            {radio("custom", "Custom", " — only the permissions chosen below")}
            <div class="scope-list">{scope_boxes}</div>
        </fieldset>
        <fieldset class="restrictions limit-choice">
            <legend>"Rate limit"</legend>
            <label class="choice" for=format!("{id}-limited")>
                <input
                    type="checkbox"
                    id=format!("{id}-limited")
                    name="limited"
                    value="on"
                    checked=move || limited.get()
                    prop:checked=move || limited.get()
                    on:change=move |ev| limited.set(event_target_checked(&ev))
                    disabled=move || disabled.get()
                />
                <span>"Limit how often this key can be used"</span>
            </label>
            <div class="inline-fields limit-fields">
                <label class="visually-hidden" for=format!("{id}-requests")>"Requests"</label>
                <input
                    id=format!("{id}-requests")
                    name="requests"
                    type="number"
                    inputmode="numeric"
                    min="1"
                    max=options.max_requests.to_string()
                    value=move || requests.get()
                    prop:value=move || requests.get()
                    on:input=move |ev| requests.set(event_target_value(&ev))
                    disabled=move || disabled.get()
                />
                <span>"requests"</span>
                <label class="visually-hidden" for=format!("{id}-window")>"Window"</label>
                <select
                    id=format!("{id}-window")
                    name="per_seconds"
                    prop:value=move || per_seconds.get()
                    on:change=move |ev| per_seconds.set(event_target_value(&ev))
                    disabled=move || disabled.get()
                >
                    {windows}
                    {odd_window}
                </select>
            </div>
        </fieldset>
        <label for=format!("{id}-ips")>"Allowed IPs " <span class="muted">"(optional)"</span></label>
        // An input, not a textarea: a textarea's text would be a child, which hydration cannot
        // match inside it.
        <input
            id=format!("{id}-ips")
            name="allowed_ips"
            type="text"
            spellcheck="false"
            autocomplete="off"
            aria-describedby=format!("{id}-ips-hint")
            placeholder="Any address"
            value=move || ips.get()
            prop:value=move || ips.get()
            on:input=move |ev| ips.set(event_target_value(&ev))
            disabled=move || disabled.get()
        />
        <p id=format!("{id}-ips-hint") class="hint">
            "Addresses or networks, separated by spaces or commas: 203.0.113.7, 203.0.113.0/24, 2001:db8::/32"
        </p>
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
