//! Safe fetching for moderator-given URLs: http(s) only, every hop's addresses checked
//! after DNS resolution (no loopback, private, link-local or metadata addresses), the
//! connection pinned to the checked addresses, redirects followed by hand and re-checked,
//! a timeout, a size cap and a content-type check. Every refusal says why.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderValue};
use url::Url;

/// How many redirects one fetch follows.
const MAX_REDIRECTS: usize = 5;

/// What a fetch expects to find at the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// An article: HTML, plain text or Markdown.
    Page,
    /// An RSS, Atom or JSON feed.
    Feed,
}

impl Expect {
    fn accept(self) -> &'static str {
        match self {
            Expect::Page => "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.5",
            Expect::Feed => {
                "application/rss+xml,application/atom+xml,application/feed+json,application/xml;q=0.9,text/xml;q=0.9,application/json;q=0.5"
            }
        }
    }

    fn allows(self, media_type: &str) -> bool {
        let allowed: &[&str] = match self {
            Expect::Page => &[
                "text/html",
                "application/xhtml+xml",
                "text/plain",
                "text/markdown",
            ],
            Expect::Feed => &[
                "application/rss+xml",
                "application/atom+xml",
                "application/feed+json",
                "application/json",
                "application/xml",
                "text/xml",
                "application/rdf+xml",
            ],
        };
        allowed.contains(&media_type)
    }

    fn noun(self) -> &'static str {
        match self {
            Expect::Page => "a web page",
            Expect::Feed => "a feed",
        }
    }
}

/// Validators from an earlier response, for a conditional request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A successful fetch.
#[derive(Debug)]
pub enum Fetched {
    /// The server says nothing changed since `Validators` (304).
    NotModified,
    Body {
        /// Where the content was found, after redirects.
        url: Url,
        /// The media type without parameters, lower-cased (`text/html`).
        media_type: Option<String>,
        bytes: Vec<u8>,
        validators: Validators,
    },
}

/// Why a URL was not fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The text is not a URL.
    #[error("{0:?} is not a valid URL")]
    BadUrl(String),
    /// Only http and https are fetched.
    #[error("refused {url}: only http and https URLs can be fetched")]
    Scheme { url: String },
    /// The host is, or resolves to, an address inside a private network.
    #[error(
        "refused {url}: {host} is {address}, a {kind} address; internal addresses are not fetched unless SITREP_FETCH_ALLOW_PRIVATE allows them"
    )]
    Private {
        url: String,
        host: String,
        address: IpAddr,
        kind: &'static str,
    },
    /// The host name did not resolve.
    #[error("cannot fetch {url}: {host} does not resolve ({message})")]
    Dns {
        url: String,
        host: String,
        message: String,
    },
    /// The server did not answer in time.
    #[error("cannot fetch {url}: no complete answer within {} s", .seconds)]
    Timeout { url: String, seconds: u64 },
    /// The connection failed.
    #[error("cannot fetch {url}: {message}")]
    Connection { url: String, message: String },
    /// The server answered with an error status.
    #[error("cannot fetch {url}: the server answered {status}")]
    Status { url: String, status: u16 },
    /// The response is bigger than the cap.
    #[error("refused {url}: the response is over the {limit}-byte limit")]
    TooLarge { url: String, limit: u64 },
    /// The response is not the kind of document asked for.
    #[error("refused {url}: its content type {media_type} is not {expected}")]
    ContentType {
        url: String,
        media_type: String,
        expected: &'static str,
    },
    /// Too many redirects, or a redirect without a usable location.
    #[error("refused {url}: {message}")]
    Redirect { url: String, message: String },
}

/// Which internal addresses may be fetched after all (`SITREP_FETCH_ALLOW_PRIVATE`):
/// none, all, or those in some networks (a newsroom's own server, a test server).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AllowInternal {
    #[default]
    None,
    All,
    /// Networks as (address, prefix length).
    Networks(Vec<(IpAddr, u8)>),
}

impl AllowInternal {
    /// `true`, `false`, or addresses and CIDR networks separated by commas.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => return Some(AllowInternal::All),
            "false" | "no" | "0" | "" => return Some(AllowInternal::None),
            _ => {}
        }
        let networks = text
            .split(',')
            .map(|net| {
                let (address, prefix) = net.trim().split_once('/').unwrap_or((net.trim(), ""));
                let address: IpAddr = address.parse().ok()?;
                let max = if address.is_ipv4() { 32 } else { 128 };
                let prefix = if prefix.is_empty() {
                    max
                } else {
                    prefix.parse().ok().filter(|&p| p <= max)?
                };
                Some((address, prefix))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(AllowInternal::Networks(networks))
    }

    fn allows(&self, ip: IpAddr) -> bool {
        match self {
            AllowInternal::None => false,
            AllowInternal::All => true,
            AllowInternal::Networks(networks) => networks.iter().any(|&(net, prefix)| {
                let bits = |ip: IpAddr| match ip {
                    IpAddr::V4(v4) => (u128::from(u32::from(v4)) << 96, true),
                    IpAddr::V6(v6) => (u128::from(v6), false),
                };
                let ((a, a4), (b, b4)) = (bits(ip), bits(net));
                let shift = 128 - u32::from(prefix);
                a4 == b4 && (shift >= 128 || a >> shift == b >> shift)
            }),
        }
    }
}

/// Fetches URLs under the rules above.
#[derive(Debug, Clone)]
pub struct Fetcher {
    /// Internal addresses that may be fetched anyway (`SITREP_FETCH_ALLOW_PRIVATE`).
    pub allow_internal: AllowInternal,
    pub max_bytes: u64,
    pub timeout: Duration,
}

impl Fetcher {
    /// Fetches `url` unconditionally: its final URL, media type and bytes.
    pub async fn body(
        &self,
        url: &str,
        expect: Expect,
    ) -> Result<(Url, Option<String>, Vec<u8>), FetchError> {
        match self.get(url, expect, &Validators::default()).await? {
            Fetched::Body {
                url,
                media_type,
                bytes,
                ..
            } => Ok((url, media_type, bytes)),
            // Only a broken server answers 304 to a request without validators.
            Fetched::NotModified => Err(FetchError::Status {
                url: url.to_string(),
                status: 304,
            }),
        }
    }

    /// Fetches `url`, following redirects, each hop checked.
    pub async fn get(
        &self,
        url: &str,
        expect: Expect,
        validators: &Validators,
    ) -> Result<Fetched, FetchError> {
        let mut url = parse(url)?;
        for _ in 0..=MAX_REDIRECTS {
            let response = self.request(&url, expect, validators).await?;
            let status = response.status();
            if status.is_redirection() && status != reqwest::StatusCode::NOT_MODIFIED {
                let location = response
                    .headers()
                    .get(header::LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .ok_or_else(|| FetchError::Redirect {
                        url: url.to_string(),
                        message: format!("redirect ({status}) without a location"),
                    })?;
                let next = url.join(location).map_err(|_| FetchError::Redirect {
                    url: url.to_string(),
                    message: format!("redirect to an invalid location {location:?}"),
                })?;
                // A redirect is held to what a moderator may add: http(s) with a host.
                url = parse(next.as_str())?;
                continue;
            }
            if status == reqwest::StatusCode::NOT_MODIFIED {
                return Ok(Fetched::NotModified);
            }
            if !status.is_success() {
                return Err(FetchError::Status {
                    url: url.to_string(),
                    status: status.as_u16(),
                });
            }
            return self.read(url, expect, response).await;
        }
        Err(FetchError::Redirect {
            url: url.to_string(),
            message: format!("more than {MAX_REDIRECTS} redirects"),
        })
    }

    /// One request to a checked address, without following redirects.
    async fn request(
        &self,
        url: &Url,
        expect: Expect,
        validators: &Validators,
    ) -> Result<reqwest::Response, FetchError> {
        let host = url
            .host_str()
            .ok_or_else(|| FetchError::BadUrl(url.to_string()))?
            .to_string();
        let port = url.port_or_known_default().unwrap_or(80);
        let addresses = self.resolve(url, &host, port).await?;
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // A proxy would resolve names itself, past the checks.
            .no_proxy()
            .timeout(self.timeout)
            .connect_timeout(self.timeout)
            .user_agent(concat!("sitrep/", env!("CARGO_PKG_VERSION")));
        if url.domain().is_some() {
            builder = builder.resolve_to_addrs(&host, &addresses);
        }
        let client = builder.build().map_err(|e| FetchError::Connection {
            url: url.to_string(),
            message: e.to_string(),
        })?;
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static(expect.accept()));
        for (name, value) in [
            (header::IF_NONE_MATCH, &validators.etag),
            (header::IF_MODIFIED_SINCE, &validators.last_modified),
        ] {
            if let Some(value) = value.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
                headers.insert(name, value);
            }
        }
        client
            .get(url.clone())
            .headers(headers)
            .send()
            .await
            .map_err(|e| self.transport_error(url, &e))
    }

    /// The addresses of `host`, all of them public unless private ones are allowed.
    async fn resolve(
        &self,
        url: &Url,
        host: &str,
        port: u16,
    ) -> Result<Vec<SocketAddr>, FetchError> {
        let addresses: Vec<SocketAddr> = match url.host() {
            Some(url::Host::Ipv4(ip)) => vec![SocketAddr::new(ip.into(), port)],
            Some(url::Host::Ipv6(ip)) => vec![SocketAddr::new(ip.into(), port)],
            _ => tokio::net::lookup_host((host, port))
                .await
                .map_err(|e| FetchError::Dns {
                    url: url.to_string(),
                    host: host.to_string(),
                    message: e.to_string(),
                })?
                .collect(),
        };
        if addresses.is_empty() {
            return Err(FetchError::Dns {
                url: url.to_string(),
                host: host.to_string(),
                message: "no addresses".into(),
            });
        }
        for address in &addresses {
            if !self.allow_internal.allows(address.ip())
                && let Some(kind) = internal(address.ip())
            {
                return Err(FetchError::Private {
                    url: url.to_string(),
                    host: host.to_string(),
                    address: address.ip(),
                    kind,
                });
            }
        }
        Ok(addresses)
    }

    async fn read(
        &self,
        url: Url,
        expect: Expect,
        mut response: reqwest::Response,
    ) -> Result<Fetched, FetchError> {
        let headers = response.headers();
        let media_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .filter(|v| !v.is_empty());
        if let Some(media_type) = &media_type
            && !expect.allows(media_type)
        {
            return Err(FetchError::ContentType {
                url: url.to_string(),
                media_type: media_type.clone(),
                expected: expect.noun(),
            });
        }
        let too_large = || FetchError::TooLarge {
            url: url.to_string(),
            limit: self.max_bytes,
        };
        if response
            .content_length()
            .is_some_and(|n| n > self.max_bytes)
        {
            return Err(too_large());
        }
        let header_text = |name| {
            headers
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_string)
        };
        let validators = Validators {
            etag: header_text(header::ETAG),
            last_modified: header_text(header::LAST_MODIFIED),
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.transport_error(&url, &e))?
        {
            if (bytes.len() + chunk.len()) as u64 > self.max_bytes {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Fetched::Body {
            url,
            media_type,
            bytes,
            validators,
        })
    }

    fn transport_error(&self, url: &Url, error: &reqwest::Error) -> FetchError {
        if error.is_timeout() {
            return FetchError::Timeout {
                url: url.to_string(),
                seconds: self.timeout.as_secs(),
            };
        }
        // The innermost cause says what happened ("connection refused"), not reqwest's wrapper.
        let mut cause: &dyn std::error::Error = error;
        while let Some(inner) = cause.source() {
            cause = inner;
        }
        FetchError::Connection {
            url: url.to_string(),
            message: cause.to_string(),
        }
    }
}

/// Parses a URL given by a moderator: http or https with a host.
pub fn parse(text: &str) -> Result<Url, FetchError> {
    let url = Url::parse(text.trim()).map_err(|_| FetchError::BadUrl(text.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FetchError::Scheme {
            url: url.to_string(),
        });
    }
    if url.host().is_none() {
        return Err(FetchError::BadUrl(text.to_string()));
    }
    Ok(url)
}

/// What kind of internal address `ip` is, or `None` for a public one.
pub fn internal(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(ip) => internal_v4(ip),
        IpAddr::V6(ip) => {
            if let Some(v4) = ip.to_ipv4_mapped() {
                return internal_v4(v4);
            }
            let segments = ip.segments();
            let embedded = |hi: u16, lo: u16| Ipv4Addr::from(((hi as u32) << 16) | lo as u32);
            // IPv4-compatible (::127.0.0.1) and 6to4 (2002:7f00:1::) forms carry an IPv4
            // address that decides; `::` and `::1` themselves are caught below.
            if segments[..6] == [0; 6] && segments[6] != 0 {
                return internal_v4(embedded(segments[6], segments[7]));
            }
            if segments[0] == 0x2002 {
                return internal_v4(embedded(segments[1], segments[2]));
            }
            let first = segments[0];
            if ip.is_loopback() {
                Some("loopback")
            } else if ip.is_unspecified() {
                Some("unspecified")
            } else if ip.is_unique_local() {
                Some("private (unique local)")
            } else if ip.is_unicast_link_local() || first & 0xffc0 == 0xfec0 {
                Some("link-local")
            } else if ip.is_multicast() {
                Some("multicast")
            } else if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                // NAT64: the embedded IPv4 address decides.
                internal_v4(embedded(segments[6], segments[7]))
            } else if first == 0x2001 && ip.segments()[1] == 0x0db8 {
                Some("documentation")
            } else {
                None
            }
        }
    }
}

fn internal_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_private() {
        Some("private")
    } else if ip.is_link_local() {
        // 169.254.169.254 is where clouds serve instance metadata and credentials.
        Some("link-local (cloud metadata)")
    } else if ip.is_unspecified() || a == 0 {
        Some("unspecified")
    } else if a == 100 && (64..128).contains(&b) {
        Some("shared (carrier-grade NAT)")
    } else if ip.is_broadcast()
        || ip.is_multicast()
        || a >= 240
        || ip.is_documentation()
        || (a == 198 && (b == 18 || b == 19))
        || (a, b) == (192, 0)
    {
        Some("reserved")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_recognised() {
        let internal_ones = [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00:ec2::254",
            "fe80::1",
            "::ffff:127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "::7f00:1",
            "::127.0.0.1",
            "2002:7f00:1::",
            "2002:a00:1::1",
        ];
        for ip in internal_ones {
            assert!(internal(ip.parse().unwrap()).is_some(), "{ip}");
        }
        for ip in [
            "93.184.215.14",
            "2606:4700::1111",
            "8.8.8.8",
            "2002:808:808::1",
        ] {
            assert_eq!(internal(ip.parse().unwrap()), None, "{ip}");
        }
    }

    #[test]
    fn internal_networks_can_be_allowed_one_by_one() {
        let allow = AllowInternal::parse("127.0.0.1, 10.0.0.0/8, fd00::/8").unwrap();
        for ip in ["127.0.0.1", "10.200.0.1", "fd12::1"] {
            assert!(allow.allows(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["127.0.0.2", "169.254.169.254", "192.168.0.1", "::1"] {
            assert!(!allow.allows(ip.parse().unwrap()), "{ip}");
        }
        assert_eq!(AllowInternal::parse("true"), Some(AllowInternal::All));
        assert_eq!(AllowInternal::parse("false"), Some(AllowInternal::None));
        assert_eq!(AllowInternal::parse("10.0.0.0/40"), None);
        assert_eq!(AllowInternal::parse("intranet"), None);
        assert!(AllowInternal::All.allows("169.254.169.254".parse().unwrap()));
    }

    #[test]
    fn only_http_urls_with_hosts() {
        assert!(matches!(
            parse("file:///etc/passwd"),
            Err(FetchError::Scheme { .. })
        ));
        assert!(matches!(
            parse("gopher://x/"),
            Err(FetchError::Scheme { .. })
        ));
        assert!(matches!(parse("not a url"), Err(FetchError::BadUrl(_))));
        assert!(parse("https://example.org/a?b=c").is_ok());
    }
}
