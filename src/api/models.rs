//! shopml.models: what the server knows, what is installed, what this backend has loaded.

use crate::gucs;
use crate::models::{files, manifest, registry};
use pgrx::prelude::*;

#[pg_extern(volatile, parallel_safe)]
fn model_status() -> TableIterator<
    'static,
    (
        name!(name, String),
        name!(task, String),
        name!(dims, i32),
        name!(max_tokens, i32),
        name!(source, String),
        name!(license, String),
        name!(size_bytes, Option<i64>),
        name!(sha256, String),
        name!(installed, bool),
        name!(loaded, bool),
        name!(path, String),
    ),
> {
    let dir = gucs::model_dir();
    let rows: Vec<_> = manifest::all()
        .iter()
        .map(|m| {
            let path = files::model_path(&dir, m);
            let size = files::installed_size(m, &path);
            // installed: every file present and matching its sha256 (what loading checks).
            let installed = size.is_some() && files::verified(m, &path);
            (
                m.name.clone(),
                m.task.clone(),
                m.dims as i32,
                m.max_tokens as i32,
                m.source(),
                m.license.clone(),
                size.map(|s| s as i64),
                m.files.get(m.main_file()).cloned().unwrap_or_default(),
                installed,
                registry::is_loaded(&m.name, &path),
                path.display().to_string(),
            )
        })
        .collect();
    TableIterator::new(rows)
}
