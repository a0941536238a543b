//! Guards at the door, before any route: a request URL over
//! [`MAX_URI_BYTES`] is a 400 in the API's error shape, and one client
//! address (through trusted proxies) may have at most
//! `max_requests_per_address` requests in progress — a thousand connections
//! trickling bodies from one address hold that many at most, the rest are
//! told 429 at once, and other clients are not affected.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use actix_web::HttpRequest;

use crate::auth::client::client_address;
use crate::config::{IpNet, Settings};
use crate::error::ApiError;

/// The longest request URL (path and query) served; the HTTP parser itself
/// refuses anything over 64 KiB before this code runs.
pub const MAX_URI_BYTES: usize = 8 * 1024;

pub struct Traffic {
    max_per_address: u32,
    trusted: Vec<IpNet>,
    in_progress: Mutex<HashMap<IpAddr, u32>>,
}

/// A request's place; it is given back when dropped.
pub struct Ticket {
    traffic: Arc<Traffic>,
    address: Option<IpAddr>,
}

impl Traffic {
    pub fn new(settings: &Settings) -> Arc<Self> {
        Arc::new(Traffic {
            max_per_address: settings.max_requests_per_address,
            trusted: settings.trusted_proxies.clone(),
            in_progress: Mutex::new(HashMap::new()),
        })
    }

    /// Lets `req` in, or says why not.
    pub fn admit(self: &Arc<Self>, req: &HttpRequest) -> Result<Ticket, ApiError> {
        let uri = req.uri();
        let length = uri.path().len() + uri.query().map_or(0, |q| q.len() + 1);
        if length > MAX_URI_BYTES {
            return Err(ApiError::BadRequest(format!("请求地址过长（最多 {MAX_URI_BYTES} 字节）")));
        }
        let Some(address) = client_address(req, &self.trusted) else {
            return Ok(Ticket { traffic: self.clone(), address: None });
        };
        let mut in_progress = self.in_progress.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let count = in_progress.entry(address).or_default();
        if *count >= self.max_per_address {
            return Err(ApiError::RateLimited { retry_after_secs: 1 });
        }
        *count += 1;
        Ok(Ticket { traffic: self.clone(), address: Some(address) })
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let Some(address) = self.address else { return };
        let mut in_progress =
            self.traffic.in_progress.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(count) = in_progress.get_mut(&address) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                in_progress.remove(&address);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn traffic(max: u32) -> Arc<Traffic> {
        let settings = Settings::from_overrides(crate::config::Overrides {
            max_requests_per_address: Some(max),
            trusted_proxies: Some("10.0.0.1".into()),
            ..Default::default()
        })
        .unwrap();
        Traffic::new(&settings)
    }

    fn from(peer: &str) -> HttpRequest {
        TestRequest::get().uri("/api/v1/follows").peer_addr(peer.parse().unwrap()).to_http_request()
    }

    #[test]
    fn one_address_holds_at_most_its_places_and_gets_them_back() {
        let traffic = traffic(2);
        let first = traffic.admit(&from("192.0.2.7:1000")).unwrap();
        let _second = traffic.admit(&from("192.0.2.7:1001")).unwrap();
        assert!(matches!(traffic.admit(&from("192.0.2.7:1002")), Err(ApiError::RateLimited { .. })));
        assert!(traffic.admit(&from("192.0.2.8:1000")).is_ok(), "another address is not affected");
        drop(first);
        assert!(traffic.admit(&from("192.0.2.7:1003")).is_ok(), "a finished request gives its place back");
    }

    #[test]
    fn clients_behind_a_trusted_proxy_count_by_their_own_address() {
        let traffic = traffic(1);
        let behind = |client: &str| {
            TestRequest::get()
                .uri("/")
                .peer_addr("10.0.0.1:5000".parse().unwrap())
                .insert_header(("X-Forwarded-For", client))
                .to_http_request()
        };
        let _a = traffic.admit(&behind("198.51.100.1")).unwrap();
        let _b = traffic.admit(&behind("198.51.100.2")).unwrap();
        assert!(traffic.admit(&behind("198.51.100.1")).is_err());
    }

    #[test]
    fn an_over_long_url_is_a_bad_request() {
        let traffic = traffic(10);
        let long = format!("/api/v1/search?q={}", "a".repeat(MAX_URI_BYTES));
        let request =
            TestRequest::get().uri(&long).peer_addr("192.0.2.7:1".parse().unwrap()).to_http_request();
        assert!(matches!(traffic.admit(&request), Err(ApiError::BadRequest(_))));
    }
}
