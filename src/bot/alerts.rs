//! Delivering tracking alerts, the same way on every platform: match what the last index
//! update added, hand each pending alert of the platform to its adapter, oldest first, and
//! mark it delivered once the platform took it. Adapters send with the alert id as an
//! idempotency key (Discord's nonce, Matrix's transaction id), so an alert resent after a
//! crash between sending and marking is not shown twice.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use super::Handler;
use crate::track::Alert;

/// How often the bots check the alert outbox.
pub const ALERT_POLL: Duration = Duration::from_secs(2);

/// Why an adapter did not deliver an alert.
#[derive(Debug)]
pub enum Undelivered {
    /// The platform failed (network, rate limit): the round stops, and this alert and the
    /// ones after it are tried again next round, in order.
    Failed(String),
    /// It cannot go where it is addressed (a room the bot is not in): left in the outbox,
    /// and the round goes on.
    Unreachable(String),
}

impl Handler {
    /// One round of delivery on `platform`. Blocking. Failures are logged; what was not
    /// delivered stays in the outbox for the next round.
    pub fn deliver_alerts(
        &self,
        platform: &str,
        mut send: impl FnMut(&Alert) -> Result<(), Undelivered>,
    ) {
        self.sync_tracking();
        let alerts = match self.tracker.pending(platform) {
            Ok(alerts) => alerts,
            Err(error) => {
                tracing::error!(%error, platform, "cannot read the alert outbox");
                return;
            }
        };
        for alert in alerts {
            match send(&alert) {
                Ok(()) => {
                    if let Err(error) = self.tracker.delivered(alert.id) {
                        tracing::error!(%error, alert = alert.id, "cannot mark an alert delivered");
                    }
                }
                Err(Undelivered::Unreachable(why)) => {
                    tracing::warn!(alert = alert.id, platform, %why, "cannot deliver an alert");
                }
                Err(Undelivered::Failed(why)) => {
                    tracing::warn!(alert = alert.id, platform, %why, "could not send an alert; will retry");
                    return;
                }
            }
        }
    }
}

/// Delivers the alerts of `platform` every `every` for as long as the bot runs; `send`
/// posts one alert with its id as the idempotency key.
pub async fn deliver_alerts_forever<F, Sent>(
    handler: Arc<Handler>,
    platform: &'static str,
    every: Duration,
    send: F,
) where
    F: Fn(Alert) -> Sent + Clone + Send + 'static,
    Sent: Future<Output = Result<(), Undelivered>> + Send,
{
    let runtime = tokio::runtime::Handle::current();
    loop {
        let (handler, send, runtime) = (handler.clone(), send.clone(), runtime.clone());
        // The outbox is SQLite (blocking); sending is async, awaited from the blocking thread.
        let round = tokio::task::spawn_blocking(move || {
            handler.deliver_alerts(platform, |alert| runtime.block_on(send(alert.clone())));
        });
        if let Err(error) = round.await {
            tracing::error!(%error, platform, "alert delivery panicked");
        }
        tokio::time::sleep(every).await;
    }
}
