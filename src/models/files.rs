//! Finding and verifying a model's files on disk.

use crate::error::{Error, Result, SqlState};
use crate::models::manifest::ModelSpec;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Where a model's files live: `<model_dir>/<model name>/`.
pub fn model_path(model_dir: &Path, spec: &ModelSpec) -> PathBuf {
    model_dir.join(&spec.name)
}

pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

fn missing(spec: &ModelSpec, file: &str, path: &Path) -> Error {
    Error::new(
        SqlState::UndefinedFile,
        format!("model file \"{file}\" of model \"{}\" is missing", spec.name),
    )
    .with_detail(format!("expected it at {}", path.display()))
    .with_hint("run `make models` to install the models, or point shopml.model_dir at them")
}

/// Checks that every file of the manifest is present with its sha256.
pub fn verify(spec: &ModelSpec, dir: &Path) -> Result<()> {
    for (file, expected) in &spec.files {
        let path = dir.join(file);
        if !path.is_file() {
            return Err(missing(spec, file, &path));
        }
        let actual = sha256_file(&path).map_err(|e| {
            Error::new(SqlState::SystemError, format!("could not read model file \"{}\": {e}", path.display()))
        })?;
        if &actual != expected {
            return Err(Error::new(
                SqlState::DataCorrupted,
                format!("model file \"{file}\" of model \"{}\" failed its sha256 check", spec.name),
            )
            .with_detail(format!("expected {expected}, found {actual} in {}", path.display()))
            .with_hint("run `make models` to reinstall it"));
        }
    }
    Ok(())
}

/// Whether every file is present with its sha256, remembered per (path, size, mtime) so that
/// the models view does not hash ~90 MB on every query, yet sees a file that changed.
pub fn verified(spec: &ModelSpec, dir: &Path) -> bool {
    use std::collections::HashMap;
    use std::sync::Mutex;
    type Key = (PathBuf, u64, Option<std::time::SystemTime>, String);
    static SEEN: Mutex<Option<HashMap<Key, bool>>> = Mutex::new(None);
    spec.files.iter().all(|(file, expected)| {
        let path = dir.join(file);
        let Ok(meta) = std::fs::metadata(&path) else { return false };
        let key = (path.clone(), meta.len(), meta.modified().ok(), expected.clone());
        let mut seen = SEEN.lock().unwrap_or_else(|p| p.into_inner());
        let seen = seen.get_or_insert_with(HashMap::new);
        *seen.entry(key).or_insert_with(|| sha256_file(&path).is_ok_and(|actual| &actual == expected))
    })
}

/// Size on disk of the model's files, when all are present.
pub fn installed_size(spec: &ModelSpec, dir: &Path) -> Option<u64> {
    spec.files
        .keys()
        .map(|f| std::fs::metadata(dir.join(f)).ok().filter(|m| m.is_file()).map(|m| m.len()))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::manifest;

    fn spec_with(files: &[(&str, &str)]) -> ModelSpec {
        let mut s = manifest::all()[0].clone();
        s.files = files.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        s
    }

    #[test]
    fn sha256_of_known_bytes() {
        let dir = std::env::temp_dir().join(format!("shopml-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a"), b"abc").unwrap();
        assert_eq!(
            sha256_file(&dir.join("a")).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let good = spec_with(&[("a", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]);
        assert!(verify(&good, &dir).is_ok());
        assert_eq!(installed_size(&good, &dir), Some(3));
        assert!(verified(&good, &dir));
        let bad = spec_with(&[("a", &"0".repeat(64))]);
        assert_eq!(verify(&bad, &dir).unwrap_err().state, SqlState::DataCorrupted);
        assert!(!verified(&bad, &dir));
        let gone = spec_with(&[("b", &"0".repeat(64))]);
        let e = verify(&gone, &dir).unwrap_err();
        assert_eq!(e.state, SqlState::UndefinedFile);
        assert!(e.message.contains("\"b\""));
        assert_eq!(installed_size(&gone, &dir), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
