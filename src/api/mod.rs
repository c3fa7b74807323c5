//! The SQL surface: thin wrappers, one file per feature; hand-written SQL lives in sql/.
mod catalog;
mod churn;
mod compat;
mod embed;
mod forecast;
mod models;
mod recommender;
mod segments;
mod sentiment;
pub(crate) mod tabular;
mod text_classifier;

pgrx::extension_sql_file!("../../sql/install_guard.sql", name = "install_guard", bootstrap);
pgrx::extension_sql_file!("../../sql/vector.sql", name = "vector_type", requires = ["install_guard"]);
pgrx::extension_sql_file!("../../sql/halfvec.sql", name = "halfvec_type", requires = ["vector_type"]);
pgrx::extension_sql_file!("../../sql/sparsevec.sql", name = "sparsevec_type", requires = ["halfvec_type"]);
pgrx::extension_sql_file!("../../sql/hnsw.sql", name = "hnsw_index", requires = ["sparsevec_type"]);
pgrx::extension_sql_file!("../../sql/catalog.sql", name = "catalog", requires = ["install_guard"]);
pgrx::extension_sql_file!("../../sql/finalize.sql", name = "finalize", finalize);
