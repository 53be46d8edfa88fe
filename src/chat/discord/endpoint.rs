//! The HTTP interactions endpoint: every request's Ed25519 signature checked over the raw
//! body before anything is parsed; slow or idle connections cut off.

use super::*;

/// How long a client may take to send a request's headers, and then its body.
pub(super) const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
pub(super) const BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once; more are closed on arrival until one ends.
pub(super) const MAX_CONNECTIONS: usize = 512;
/// The largest interaction body read (Discord's are a few kB).
pub(super) const MAX_BODY_BYTES: usize = 1 << 20;

/// Serves the interactions endpoint on `listener`: a slow client is cut off after
/// `HEADER_TIMEOUT` (headers) or `BODY_TIMEOUT` (body), and at most `MAX_CONNECTIONS` are
/// open at once, so slow or idle connections cannot pile up.
pub async fn serve(listener: tokio::net::TcpListener, router: axum::Router) -> std::io::Result<()> {
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(error) => {
                // Out of file descriptors and the like: wait, then accept again.
                tracing::warn!(%error, "cannot accept a connection");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            tracing::warn!("{MAX_CONNECTIONS} connections open: closing a new one");
            continue;
        };
        let service = hyper_util::service::TowerToHyperService::new(router.clone());
        tokio::spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended");
            }
            drop(slot);
        });
    }
}

/// The HTTP interactions endpoint.
pub fn router(discord: Arc<Discord>, verifier: Verifier) -> axum::Router {
    axum::Router::new()
        .route("/", axum::routing::post(endpoint))
        .route("/interactions", axum::routing::post(endpoint))
        .with_state((discord, Arc::new(verifier)))
}

type EndpointState = (Arc<Discord>, Arc<Verifier>);

/// How far a request's timestamp may be from our clock: Discord's requests arrive within
/// seconds, a replayed one later.
pub(super) const MAX_CLOCK_SKEW_SECS: i64 = 300;

/// Whether a signature timestamp (Unix seconds) is close to now.
pub(super) fn is_recent(timestamp: &str) -> bool {
    timestamp
        .parse::<i64>()
        .is_ok_and(|t| (chrono::Utc::now().timestamp() - t).abs() <= MAX_CLOCK_SKEW_SECS)
}

/// Verifies the signature over the raw body first; only then parses the interaction.
pub(super) async fn endpoint(
    State((discord, verifier)): State<EndpointState>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    let body = match tokio::time::timeout(BODY_TIMEOUT, axum::body::to_bytes(body, MAX_BODY_BYTES))
        .await
    {
        Ok(Ok(body)) => body,
        Ok(Err(_)) => {
            return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response();
        }
        Err(_) => return (StatusCode::REQUEST_TIMEOUT, "request body too slow").into_response(),
    };
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    let signature = header("X-Signature-Ed25519");
    let timestamp = header("X-Signature-Timestamp");
    if signature.is_empty()
        || !is_recent(timestamp)
        || verifier.verify(signature, timestamp, &body).is_err()
    {
        return (StatusCode::UNAUTHORIZED, "invalid request signature").into_response();
    }
    let interaction: Interaction = match serde_json::from_slice(&body) {
        Ok(interaction) => interaction,
        Err(error) => {
            tracing::warn!(%error, "unreadable interaction");
            return (
                StatusCode::BAD_REQUEST,
                format!("unreadable interaction: {error}"),
            )
                .into_response();
        }
    };
    let response = match interaction {
        // Exactly {"type":1}: serenity's Pong would add "data": null.
        Interaction::Ping(_) => return axum::Json(serde_json::json!({"type": 1})).into_response(),
        Interaction::Command(command) => discord.on_command(command).await,
        Interaction::Component(component) => discord.on_button(component).await,
        Interaction::Autocomplete(typing) => discord.on_autocomplete(typing).await,
        _ => return (StatusCode::BAD_REQUEST, "unsupported interaction").into_response(),
    };
    axum::Json(response).into_response()
}
