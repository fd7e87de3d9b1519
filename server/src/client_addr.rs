//! Which address a request comes from, decided once per request for the rate limiters and the audit log.
//!
//! Behind a proxy every peer is the proxy, so the client's own address must come from `X-Forwarded-For`. But
//! anyone can send that header: it is only believed when the peer is a proxy listed in `TRUSTED_PROXIES`, and
//! then only the part those proxies wrote. Walking the list from the right (the most recent hop), trusted
//! proxies are skipped and the first other address is the client; whatever a client put further left is never
//! reached, so rotating the header changes nothing.

use app::security::ClientAddr;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;

/// One trusted address or network (`10.0.0.0/8`, `::1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    fn contains(&self, ip: IpAddr) -> bool {
        match (self.address, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// IPv4 peers of a dual-stack listener arrive as `::ffff:a.b.c.d`; compare them as the IPv4 they are.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// `TRUSTED_PROXIES`: comma-separated addresses and CIDR networks. Empty: trust no one (the default).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Network>);

impl FromStr for TrustedProxies {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parse_one = |item: &str| -> Option<Network> {
            let (address, prefix) = match item.split_once('/') {
                Some((address, prefix)) => (address.parse::<IpAddr>().ok()?, Some(prefix.parse::<u8>().ok()?)),
                None => (item.parse::<IpAddr>().ok()?, None),
            };
            let address = canonical(address);
            let max = if address.is_ipv4() { 32 } else { 128 };
            let prefix = prefix.unwrap_or(max);
            (prefix <= max).then_some(Network { address, prefix })
        };
        text.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                parse_one(item).ok_or_else(|| format!("{item:?} is not an IP address or network such as 10.0.0.0/8"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }
}

impl TrustedProxies {
    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|network| network.contains(ip))
    }

    /// The client's address for a request from `peer` with these headers.
    pub fn client_of(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        // Every X-Forwarded-For header, in order, as one list of hops; the rightmost hop is the latest.
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            match hop.parse::<IpAddr>() {
                Ok(ip) if self.trusts(ip) => client = canonical(ip),
                Ok(ip) => return canonical(ip),
                // A hop that is not an address was not written by a proxy we trust: stop at the last one we do.
                Err(_) => return client,
            }
        }
        client
    }
}

/// Stores the request's `ClientAddr` for the doors and records it on the request's log span.
pub async fn client_addr(State(proxies): State<Arc<TrustedProxies>>, mut request: Request, next: Next) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
    if let Some(peer) = peer {
        let client = proxies.client_of(peer, request.headers());
        tracing::Span::current().record("client", tracing::field::display(client));
        request.extensions_mut().insert(ClientAddr(client));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let proxies = TrustedProxies::default();
        assert_eq!(proxies.client_of(ip("203.0.113.9"), &forwarded(&["198.51.100.1"])), ip("203.0.113.9"));
    }

    #[test]
    fn a_trusted_proxy_names_the_client_and_spoofed_hops_to_its_left_are_ignored() {
        let proxies: TrustedProxies = "127.0.0.1, 10.0.0.0/8".parse().unwrap();
        let peer = ip("127.0.0.1");
        assert_eq!(proxies.client_of(peer, &forwarded(&["198.51.100.1"])), ip("198.51.100.1"));
        // The client sent "1.2.3.4" itself; nginx appended the real address.
        assert_eq!(proxies.client_of(peer, &forwarded(&["1.2.3.4, 198.51.100.1"])), ip("198.51.100.1"));
        // Two trusted hops, and headers split over several lines.
        assert_eq!(proxies.client_of(peer, &forwarded(&["1.2.3.4, 198.51.100.1", "10.1.2.3"])), ip("198.51.100.1"));
        // Garbage where the client's address should be: the last trusted hop is all we know.
        assert_eq!(proxies.client_of(peer, &forwarded(&["not-an-ip"])), peer);
        assert_eq!(proxies.client_of(peer, &HeaderMap::new()), peer);
    }

    #[test]
    fn an_untrusted_peer_cannot_claim_another_address() {
        let proxies: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        assert_eq!(proxies.client_of(ip("192.0.2.7"), &forwarded(&["10.0.0.1"])), ip("192.0.2.7"));
    }

    #[test]
    fn networks_parse_and_match_both_families() {
        let proxies: TrustedProxies = "10.0.0.0/8, ::1, fd00::/8".parse().unwrap();
        assert!(proxies.trusts(ip("10.200.0.1")));
        assert!(!proxies.trusts(ip("11.0.0.1")));
        assert!(proxies.trusts(ip("::1")));
        assert!(proxies.trusts(ip("fd12::1")));
        assert!(proxies.trusts(ip("::ffff:10.0.0.1")), "IPv4-mapped peers match IPv4 networks");
        for bad in ["10.0.0.0/33", "localhost", "10.0.0/8", "::1/129"] {
            assert!(bad.parse::<TrustedProxies>().is_err(), "{bad} should be refused");
        }
        assert_eq!("".parse::<TrustedProxies>(), Ok(TrustedProxies::default()));
    }
}
