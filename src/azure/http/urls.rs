//! Small helpers of the HTTP layer: schemes and hosts that may be spoken
//! to, the subscription a path spends budget from, and error texts that never
//! carry a URL's query.

use reqwest::header::{HeaderMap, HeaderValue};
use url::Url;

use crate::azure::api::Method;

pub(super) fn reqwest_method(method: Method) -> reqwest::Method {
    match method {
        Method::Get => reqwest::Method::GET,
        Method::Put => reqwest::Method::PUT,
        Method::Post => reqwest::Method::POST,
        Method::Patch => reqwest::Method::PATCH,
        Method::Delete => reqwest::Method::DELETE,
    }
}

pub(super) fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|value: &HeaderValue| value.to_str().ok())
        .map(str::to_owned)
}

/// A transport error without the URL reqwest would print (its query may hold a SAS token).
pub(super) fn transport_text(error: &reqwest::Error) -> String {
    let kind = if error.is_connect() {
        "could not connect"
    } else if error.is_timeout() {
        "timed out"
    } else if error.is_body() || error.is_decode() {
        "the answer broke off"
    } else {
        "the request failed"
    };
    let mut source = std::error::Error::source(error);
    let mut detail = String::new();
    while let Some(cause) = source {
        detail = cause.to_string();
        source = cause.source();
    }
    if detail.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}: {detail}")
    }
}

pub(super) fn origin(url: &Url) -> String {
    format!("{}://{}", url.scheme(), url.host_str().unwrap_or(""))
        + &url
            .port()
            .map(|port| format!(":{port}"))
            .unwrap_or_default()
}

/// `https`, or `http` to a loopback address when the test flag allows it.
pub(super) fn check_scheme(url: &Url, allow_loopback_http: bool) -> Result<(), String> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if allow_loopback_http && is_loopback(url) => Ok(()),
        other => Err(format!(
            "{} uses {other}; only https is accepted",
            origin(url)
        )),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// The subscription a path belongs to, for its request budget.
pub(super) fn subscription_of(path: &str) -> String {
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    match (segments.next(), segments.next()) {
        (Some(keyword), Some(id)) if keyword.eq_ignore_ascii_case("subscriptions") => {
            id.to_ascii_lowercase()
        }
        _ => String::new(),
    }
}
