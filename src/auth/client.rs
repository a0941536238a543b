//! Where a request comes from: the client's address (through trusted reverse
//! proxies) and whether a browser sent it from our own origin.

use std::net::{IpAddr, SocketAddr};

use actix_web::http::header;
use actix_web::HttpRequest;

use crate::auth::store::ClientInfo;
use crate::config::{canonical, IpNet, Settings};

/// The client's address. `X-Forwarded-For` counts only when the peer is a
/// trusted proxy; then the rightmost hop that is not a trusted proxy is the
/// client (a client can prepend anything, but not what our proxies append).
pub fn client_address(req: &HttpRequest, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = canonical(req.peer_addr()?.ip());
    let is_trusted = |address: IpAddr| trusted.iter().any(|net| net.contains(address));
    if !is_trusted(peer) {
        return Some(peer);
    }
    let hops: Vec<&str> = req
        .headers()
        .get_all(header::X_FORWARDED_FOR)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Some(address) = parse_hop(hop) else { break };
        client = address;
        if !is_trusted(address) {
            break;
        }
    }
    Some(client)
}

/// `203.0.113.7`, `2001:db8::1`, or either with a port (`[2001:db8::1]:443`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    let address = hop.parse::<IpAddr>().ok().or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))?;
    Some(canonical(address))
}

/// The request's client address and user agent.
pub fn client_info(req: &HttpRequest, settings: &Settings) -> ClientInfo {
    ClientInfo {
        ip: client_address(req, &settings.trusted_proxies),
        user_agent: req.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_owned),
    }
}

/// Whether the request's `Origin`, if a browser sent one, is our own: the
/// origin of the public URL, or the host the request was sent to (`Host`,
/// or `X-Forwarded-Host` from a trusted proxy). Requests without an `Origin`
/// (other clients) pass; `Origin: null` does not.
pub fn same_origin(req: &HttpRequest, settings: &Settings) -> bool {
    let Some(origin) = req.headers().get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    if origin.eq_ignore_ascii_case(origin_of(&settings.public_url)) {
        return true;
    }
    let Some(authority) = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://")) else {
        return false;
    };
    let header_value = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
    let host = header_value(header::HOST).or(req.uri().authority().map(|a| a.as_str()));
    let peer_is_proxy = req
        .peer_addr()
        .is_some_and(|peer| settings.trusted_proxies.iter().any(|net| net.contains(peer.ip())));
    let forwarded_host = header_value(header::HeaderName::from_static("x-forwarded-host"))
        .filter(|_| peer_is_proxy)
        .and_then(|hosts| hosts.split(',').next_back())
        .map(str::trim);
    [host, forwarded_host].into_iter().flatten().any(|host| authority.eq_ignore_ascii_case(host))
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let end = url[after_scheme..].find('/').map_or(url.len(), |i| after_scheme + i);
    &url[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn request(peer: &str, forwarded: &[&str]) -> HttpRequest {
        let mut req = TestRequest::default().peer_addr(peer.parse().unwrap());
        for value in forwarded {
            req = req.append_header((header::X_FORWARDED_FOR, *value));
        }
        req.to_http_request()
    }

    fn nets(list: &str) -> Vec<IpNet> {
        IpNet::parse_list(list).unwrap()
    }

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let trusted = nets("10.0.0.0/8");
        assert_eq!(
            client_address(&request("203.0.113.9:4000", &["198.51.100.1"]), &trusted),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_address(&request("10.0.0.2:4000", &["198.51.100.1"]), &trusted),
            ip("198.51.100.1")
        );
        assert_eq!(client_address(&request("10.0.0.2:4000", &["198.51.100.1"]), &[]), ip("10.0.0.2"));
    }

    #[test]
    fn the_client_is_the_rightmost_hop_that_is_not_a_trusted_proxy() {
        let trusted = nets("10.0.0.0/8");
        // What the client wrote itself (the spoofed first hop) is ignored.
        let req = request("10.0.0.2:4000", &["1.1.1.1, 198.51.100.1", "10.0.0.3"]);
        assert_eq!(client_address(&req, &trusted), ip("198.51.100.1"));
        assert_eq!(client_address(&request("10.0.0.2:1", &["10.0.0.9, 10.0.0.8"]), &trusted), ip("10.0.0.9"));
        assert_eq!(client_address(&request("10.0.0.2:1", &["junk, 10.0.0.8"]), &trusted), ip("10.0.0.8"));
        assert_eq!(
            client_address(&request("10.0.0.2:1", &["[2001:db8::1]:443"]), &trusted),
            ip("2001:db8::1")
        );
        assert_eq!(client_address(&request("10.0.0.2:1", &[]), &trusted), ip("10.0.0.2"));
    }

    #[test]
    fn origins_must_be_our_own_when_present() {
        let settings = Settings::from_overrides(crate::config::Overrides {
            public_url: Some("https://zhiku.example.cn/app".into()),
            trusted_proxies: Some("10.0.0.2".into()),
            ..Default::default()
        })
        .unwrap();
        let from = |peer: &str, origin: &str, forwarded_host: &str| {
            let req = TestRequest::default()
                .peer_addr(peer.parse().unwrap())
                .insert_header((header::HOST, "127.0.0.1:8080"))
                .insert_header((header::ORIGIN, origin))
                .insert_header(("x-forwarded-host", forwarded_host));
            same_origin(&req.to_http_request(), &settings)
        };
        assert!(from("10.0.0.2:1", "https://zhiku.corp", "zhiku.corp"), "the trusted proxy names the host");
        assert!(!from("10.0.0.3:1", "https://zhiku.corp", "zhiku.corp"), "others cannot");
        let with = |origin: Option<&str>, host: &str| {
            let mut req = TestRequest::default().insert_header((header::HOST, host));
            if let Some(origin) = origin {
                req = req.insert_header((header::ORIGIN, origin));
            }
            same_origin(&req.to_http_request(), &settings)
        };
        assert!(with(None, "127.0.0.1:8080"));
        assert!(with(Some("https://zhiku.example.cn"), "127.0.0.1:8080"));
        assert!(with(Some("http://127.0.0.1:8080"), "127.0.0.1:8080"));
        assert!(!with(Some("https://evil.example"), "127.0.0.1:8080"));
        assert!(!with(Some("null"), "127.0.0.1:8080"));
        assert!(!with(Some("https://zhiku.example.cn.evil.example"), "127.0.0.1:8080"));
        assert_eq!(origin_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
    }
}
