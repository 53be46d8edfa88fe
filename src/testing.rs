//! What the unit tests of sources, tracking and the command handler share: a small live
//! index of articles written by the test, in a temporary directory, with the state file
//! in memory.

use std::sync::Arc;
use std::time::Duration;

use crate::corpus::Limits;
use crate::index::{Layout, Live};
use crate::sources::Sources;
use crate::sources::fetch::{AllowInternal, Fetcher};
use crate::state::State;

/// A live index and an in-memory state; the directory goes when it is dropped.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub live: Arc<Live>,
    pub state: Arc<State>,
}

impl Fixture {
    /// Indexes `articles` (file name, contents) as the sources.
    pub fn new(articles: &[(&str, &str)]) -> Fixture {
        Fixture::with_state(articles, State::in_memory())
    }

    pub fn with_state(articles: &[(&str, &str)], state: State) -> Fixture {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let layout = Layout::new(dir.path());
        std::fs::create_dir_all(layout.sources()).expect("the sources folder");
        for (name, text) in articles {
            std::fs::write(layout.sources().join(name), text).expect("an article file");
        }
        let live = Live::open(layout, Limits::default(), || {}).expect("the index builds");
        Fixture {
            dir,
            live: Arc::new(live),
            state: Arc::new(state),
        }
    }

    /// The sources of this index; fetching from the network is refused (none is reachable).
    pub fn sources(&self) -> Arc<Sources> {
        let fetcher = Fetcher {
            allow_internal: AllowInternal::None,
            max_bytes: 1 << 20,
            timeout: Duration::from_secs(2),
        };
        Arc::new(Sources::new(
            self.live.clone(),
            self.state.clone(),
            fetcher,
            Duration::from_secs(600),
        ))
    }
}

/// An article as a Markdown source with front matter.
pub fn article(title: &str, outlet: &str, date: &str, paragraphs: &[&str]) -> String {
    format!(
        "---\ntitle: {title}\noutlet: {outlet}\ndate: {date}\n---\n\n{}\n",
        paragraphs.join("\n\n")
    )
}
