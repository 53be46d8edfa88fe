//! The live index of a running process: readers share the opened generation, and move to
//! a newer one once a rebuild (in this process or another) has swapped it in.

use std::sync::{Arc, Mutex, RwLock};

use crate::corpus::Limits;

use super::{
    BuildEvent, BuildReport, Change, Index, IndexError, Layout, build, open_or_build, update,
};

pub struct Live {
    layout: Layout,
    limits: Limits,
    current: RwLock<Arc<Index>>,
    /// One rebuild at a time within the process (the file lock covers other processes).
    rebuilding: Mutex<()>,
    /// One reopening at a time: requests that notice a new generation together open it once.
    reopening: Mutex<()>,
}

impl Live {
    /// Opens the index, building it first if there is none (`on_build` is told).
    pub fn open(
        layout: Layout,
        limits: Limits,
        on_build: impl FnOnce(),
    ) -> Result<Live, IndexError> {
        let index = open_or_build(&layout, limits, on_build)?;
        Ok(Live {
            layout,
            limits,
            current: RwLock::new(Arc::new(index)),
            rebuilding: Mutex::new(()),
            reopening: Mutex::new(()),
        })
    }

    /// What one source may cost when it is read.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The newest complete generation. If reopening fails, the old one keeps serving.
    pub fn get(&self) -> Arc<Index> {
        let index = self.current.read().expect("index lock").clone();
        if !index.is_outdated() {
            return index;
        }
        let _one_at_a_time = self.reopening.lock().unwrap_or_else(|e| e.into_inner());
        // Another request may have opened it while this one waited.
        let index = self.current.read().expect("index lock").clone();
        if !index.is_outdated() {
            return index;
        }
        match Index::open(&self.layout) {
            Ok(Some(newer)) => {
                let newer = Arc::new(newer);
                *self.current.write().expect("index lock") = newer.clone();
                newer
            }
            Ok(None) => index,
            Err(error) => {
                tracing::error!(%error, "cannot open the new index generation; serving the old one");
                index
            }
        }
    }

    /// Rebuilds from the sources and serves the result; readers keep the old generation
    /// until the new one is complete.
    pub fn rebuild(&self, progress: impl FnMut(BuildEvent)) -> Result<BuildReport, IndexError> {
        let _one_at_a_time = self
            .rebuilding
            .try_lock()
            .map_err(|_| IndexError::Busy(self.layout.root().to_path_buf()))?;
        let report = build(&self.layout, self.limits, progress)?;
        self.get();
        Ok(report)
    }

    /// Applies an incremental update (waiting for a running rebuild) and serves the result.
    pub fn update(&self, changes: Vec<Change>) -> Result<BuildReport, IndexError> {
        let report = update(&self.layout, changes, self.limits)?;
        self.get();
        Ok(report)
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }
}
