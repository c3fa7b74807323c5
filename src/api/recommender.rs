//! Recommendations from SQL: train_recommender (implicit ALS on an interactions table read as
//! the caller), recommend_for_user(s), similar_items, and the factors as vectors. Ids are read
//! as text whatever their SQL type; the bigint overloads serve models whose ids are integers,
//! the text overloads any model (cast back with ::uuid, ::int ...). The model lives in
//! shopml.trained_models (src/pg/catalog.rs); the algorithm in src/core/recommender.

use crate::core::catalog::Deploy;
use crate::core::recommender::{self, model::Model, Options, K};
use crate::core::table::Values;
use crate::error::{excerpt, Error, SqlState};
use crate::gucs;
use crate::pg::fmgr::{required, required_text as text, RegClass};
use crate::pg::progress::Progress;
use crate::pg::text::{DbText, Jsonb, TextArg};
use crate::pg::arrays::{BigintArray, TextArray};
use crate::pg::{catalog, table_reader, OrReport};
use crate::types::vector_extern::Vector;
use pgrx::prelude::*;
use std::sync::Arc;

const TASK: &str = "recommender";

/// Trains an implicit-feedback ALS recommender on (user, item[, weight]) rows of `interactions`
/// and stores it as the next version of `name`; returns its size, the training time and its
/// ranking quality at 10 on held-out interactions beside a most-popular baseline.
#[pg_extern(volatile, parallel_unsafe, requires = ["catalog", "vector_type"])]
#[allow(clippy::type_complexity)]
fn train_recommender(
    name: Option<TextArg>,
    interactions: Option<RegClass>,
    user_column: Option<TextArg>,
    item_column: Option<TextArg>,
    options: default!(Option<Jsonb>, "'{}'"),
) -> TableIterator<
    'static,
    (
        name!(model, DbText),
        name!(version, i32),
        name!(users, i64),
        name!(items, i64),
        name!(interactions, i64),
        name!(train_seconds, f64),
        name!(precision_at_10, Option<f64>),
        name!(recall_at_10, Option<f64>),
        name!(ndcg_at_10, Option<f64>),
        name!(popular_precision_at_10, Option<f64>),
        name!(popular_recall_at_10, Option<f64>),
        name!(popular_ndcg_at_10, Option<f64>),
        name!(deployed, bool),
        name!(refit, bool),
    ),
> {
    let _trim = crate::pg::fmgr::TrimOnDrop;
    let name = text(name, "name");
    catalog::check_new(&name);
    let RegClass(relation) = required(interactions, "interactions");
    let (user, item) = (text(user_column, "user_column"), text(item_column, "item_column"));
    let (mut opts, options_json): (Options, _) = crate::pg::parse_options(
        options,
        "weight_column, factors, iterations, regularization, alpha, solver, cg_steps, test_fraction, test_column, seed, refit, threads, item_embeddings, deploy",
    );
    let policy = Deploy::parse(opts.deploy.as_deref()).or_report();
    opts.max_bytes = Some(gucs::max_training_memory_bytes());
    let threads = opts.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).clamp(1, 64);
    let mut progress = Progress::new("train_recommender", "iterations");

    let mut columns = vec![user.clone(), item.clone()];
    columns.extend(opts.weight_column.iter().chain(opts.test_column.iter()).cloned());
    if user == item {
        Error::invalid_parameter("user_column and item_column must differ").report();
    }
    let table = table_reader::read_table_with_text(relation, Some(&columns), &columns[..2], gucs::max_training_memory_bytes());
    if table.rows == 0 {
        Error::new(SqlState::DataException, format!("table {} is empty", table_reader::relation_name(relation))).report();
    }
    let mut input = recommender::input(&table, &user, &item, &opts).or_report();
    let embeddings = opts.item_embeddings.as_ref().map(|e| {
        let columns = [e.id_column.clone(), e.vector_column.clone()];
        table_reader::read_table_with_text(relation_named(&e.table), Some(&columns), &columns[..1], gucs::max_training_memory_bytes())
    });
    if let Some(t) = &embeddings {
        let (Values::Text(ids), Values::Vector(vectors)) = (&t.columns[0].values, &t.columns[1].values) else {
            Error::new(SqlState::DatatypeMismatch, format!("item_embeddings: column \"{}\" must be a vector, not {}", t.columns[1].name, t.columns[1].sql_type))
                .with_hint("store embed_text(title) in a vector column")
                .report();
        };
        input.item_embeddings = Some((ids, vectors));
    }
    // The deployed version, which the new one must match or beat on held-out pairs (if_better).
    let previous = (policy == Deploy::IfBetter).then(|| catalog::deployed_version(&name)).flatten().map(|v| (v, load(&format!("{name}@{v}"))));
    input.deployed = previous.as_ref().map(|(_, m)| m.as_ref());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::internal(format!("could not start {threads} threads: {e}")))
        .or_report();
    let trained = recommender::train(&input, &opts, &pool, &mut |done, total| {
        pgrx::check_for_interrupts!();
        progress.report(done, total);
        Ok(())
    })
    .or_report();
    let seconds = progress.elapsed_secs();

    let tested = trained.test.users > 0;
    let versus = trained.versus_deployed.map(|(new, old)| (new.ndcg >= old.ndcg, new, old));
    let deploy = policy.decide(previous.as_ref().map(|_| versus.map(|v| v.0)));
    let metrics = serde_json::json!({
        "users": trained.users, "items": trained.items, "interactions": trained.interactions, "rows": trained.rows,
        "train_seconds": seconds, "k": K, "test_users": trained.test.users,
        "test": if tested { serde_json::to_value(trained.test).unwrap_or_default() } else { serde_json::Value::Null },
        "popular": if tested { serde_json::to_value(trained.popular).unwrap_or_default() } else { serde_json::Value::Null },
        "params": trained.params,
        "refit": trained.refit,
        "deploy": {"policy": policy.name(), "deployed": deploy, "previous_version": previous.as_ref().map(|p| p.0),
                   "compared_users": versus.map(|v| v.1.users), "ndcg": versus.map(|v| v.1.ndcg), "previous_ndcg": versus.map(|v| v.2.ndcg)},
        "validation": trained.validation.iter().map(|(p, ndcg)| serde_json::json!({"factors": p.factors, "regularization": p.regularization, "alpha": p.alpha, "ndcg": ndcg})).collect::<Vec<_>>(),
    });
    let sql_type = |c: &str| table.column(c).map(|c| c.sql_type.clone()).unwrap_or_default();
    let features = serde_json::json!({
        "user_column": user, "item_column": item, "weight_column": opts.weight_column,
        "user_type": sql_type(&user), "item_type": sql_type(&item),
    });
    let payload = trained.model.to_bytes();
    let version = catalog::store(&catalog::NewModel {
        name: &name,
        task: TASK,
        algorithm: if trained.params.cg_steps == 0 { "als-cholesky" } else { "als-cg" },
        options: options_json,
        features,
        metrics,
        payload: &payload,
        deploy,
    });
    let some = |x: f64| tested.then_some(x);
    TableIterator::once((
        DbText(name),
        version,
        trained.users as i64,
        trained.items as i64,
        trained.interactions as i64,
        seconds,
        some(trained.test.precision),
        some(trained.test.recall),
        some(trained.test.ndcg),
        some(trained.popular.precision),
        some(trained.popular.recall),
        some(trained.popular.ndcg),
        deploy,
        trained.refit,
    ))
}

/// The oid of a table named in text (options jsonb), resolved as the caller resolves names.
fn relation_named(name: &str) -> pg_sys::Oid {
    let cname = std::ffi::CString::new(name).unwrap_or_else(|_| Error::invalid_parameter("item_embeddings: table must not contain NUL").report());
    // SAFETY: regclassin takes a cstring and raises a clean ERROR for unknown names.
    unsafe { pgrx::direct_function_call::<pg_sys::Oid>(pg_sys::regclassin, &[cname.as_c_str().into_datum()]) }
        .unwrap_or_else(|| Error::invalid_parameter(format!("relation \"{}\" does not exist", excerpt(name))).report())
}

/// The model a reference names (src/pg/catalog.rs checks the caller may use it).
fn load(reference: &str) -> Arc<Model> {
    catalog::load(reference, TASK, |payload| {
        let model = Model::from_bytes(payload).map_err(|e| e.message)?;
        let bytes = model.memory_bytes();
        Ok((model, bytes))
    })
}

fn count(k: Option<i32>) -> usize {
    match required(k, "k") {
        k if k > 0 => k as usize,
        k => Error::invalid_parameter(format!("k must be positive, not {k}")).report(),
    }
}

/// The bigint overloads need integer item ids; say which overload fits instead.
fn integer_items(m: &Model, model: &str) {
    if !m.header.integer_items {
        Error::new(SqlState::DatatypeMismatch, format!("model \"{}\" has text item ids, not integers", excerpt(model)))
            .with_hint("pass the id as text, e.g. recommend_for_user(model, user_id::text)")
            .report();
    }
}

fn as_i64(id: &str) -> i64 {
    id.parse().unwrap_or_else(|_| Error::new(SqlState::DataCorrupted, format!("item id \"{}\" is not an integer", excerpt(id))).report())
}

fn recommend(model: &str, user: &str, k: Option<i32>, exclude_seen: Option<bool>) -> (Arc<Model>, Vec<(u32, f32)>) {
    let m = load(model);
    let k = count(k);
    let exclude = required(exclude_seen, "exclude_seen");
    let rows = m.recommend(m.user(user), k, exclude);
    (m, rows)
}

/// The k items user_id is most likely to want, best first, leaving out what the user has seen;
/// a user the model does not know gets the most popular items (score: share of users).
#[pg_extern(stable, parallel_safe, name = "recommend_for_user", requires = ["catalog"])]
fn recommend_for_user_bigint(
    model: Option<TextArg>,
    user_id: Option<i64>,
    k: default!(Option<i32>, 10),
    exclude_seen: default!(Option<bool>, true),
) -> TableIterator<'static, (name!(item_id, i64), name!(score, f32))> {
    let model = text(model, "model");
    let user = required(user_id, "user_id").to_string();
    let (m, rows) = recommend(&model, &user, k, exclude_seen);
    integer_items(&m, &model);
    TableIterator::new(rows.into_iter().map(move |(i, s)| (as_i64(&m.item_ids[i as usize]), s)).collect::<Vec<_>>())
}

/// As recommend_for_user(text, bigint, ...) for ids of any type as text.
#[pg_extern(stable, parallel_safe, name = "recommend_for_user", requires = ["catalog"])]
fn recommend_for_user_text(
    model: Option<TextArg>,
    user_id: Option<TextArg>,
    k: default!(Option<i32>, 10),
    exclude_seen: default!(Option<bool>, true),
) -> TableIterator<'static, (name!(item_id, DbText), name!(score, f32))> {
    let user = text(user_id, "user_id");
    let (m, rows) = recommend(&text(model, "model"), &user, k, exclude_seen);
    TableIterator::new(rows.into_iter().map(move |(i, s)| (DbText(m.item_ids[i as usize].clone()), s)))
}

/// recommend_for_user for many users, streamed: each user's k rows are computed when the
/// executor asks for them, so memory stays at one user's rows whatever ids x k is (the executor
/// spills what it keeps to disk beyond work_mem).
fn recommend_many(model: &str, users: Vec<Option<String>>, k: Option<i32>, exclude_seen: Option<bool>) -> (Arc<Model>, impl Iterator<Item = (String, i32, u32, f32)>) {
    let m = load(model);
    let (k, exclude) = (count(k), required(exclude_seen, "exclude_seen"));
    let model = m.clone();
    let rows = users.into_iter().flat_map(move |user| {
        pgrx::check_for_interrupts!();
        let user = user.unwrap_or_else(|| Error::new(SqlState::NullValueNotAllowed, "user_ids must not contain NULL").report());
        let recs = model.recommend(model.user(&user), k, exclude);
        recs.into_iter().enumerate().map(move |(rank, (i, s))| (user.clone(), rank as i32 + 1, i, s))
    });
    (m, rows)
}

/// recommend_for_user for many users in one call: (user_id, rank, item_id, score).
#[pg_extern(stable, parallel_safe, name = "recommend_for_users", requires = ["catalog"])]
#[allow(clippy::type_complexity)]
fn recommend_for_users_bigint(
    model: Option<TextArg>,
    user_ids: Option<BigintArray>,
    k: default!(Option<i32>, 10),
    exclude_seen: default!(Option<bool>, true),
) -> TableIterator<'static, (name!(user_id, i64), name!(rank, i32), name!(item_id, i64), name!(score, f32))> {
    let model = text(model, "model");
    let users = required(user_ids, "user_ids").0.bigints().into_iter().map(|u| u.map(|u| u.to_string())).collect();
    let (m, rows) = recommend_many(&model, users, k, exclude_seen);
    integer_items(&m, &model);
    TableIterator::new(rows.map(move |(u, r, i, s)| (as_i64(&u), r, as_i64(&m.item_ids[i as usize]), s)))
}

#[pg_extern(stable, parallel_safe, name = "recommend_for_users", requires = ["catalog"])]
#[allow(clippy::type_complexity)]
fn recommend_for_users_text(
    model: Option<TextArg>,
    user_ids: Option<TextArray>,
    k: default!(Option<i32>, 10),
    exclude_seen: default!(Option<bool>, true),
) -> TableIterator<'static, (name!(user_id, DbText), name!(rank, i32), name!(item_id, DbText), name!(score, f32))> {
    let users = crate::pg::text::text_array(&required(user_ids, "user_ids").0.texts(), 1 << 20);
    let (m, rows) = recommend_many(&text(model, "model"), users, k, exclude_seen);
    TableIterator::new(rows.map(move |(u, r, i, s)| (DbText(u), r, DbText(m.item_ids[i as usize].clone()), s)))
}

fn similar(m: &Model, model: &str, item: &str, k: Option<i32>) -> Vec<(u32, f32)> {
    let k = count(k);
    let Some(i) = m.item(item) else {
        Error::new(SqlState::UndefinedObject, format!("item \"{}\" is not in model \"{}\"", excerpt(item), excerpt(model)))
            .with_hint("the model knows the items of the interactions it was trained on")
            .report();
    };
    m.similar_items(i, k)
}

/// The k items most like item_id (cosine of their factors: bought or viewed by the same users).
#[pg_extern(stable, parallel_safe, name = "similar_items", requires = ["catalog"])]
fn similar_items_bigint(model: Option<TextArg>, item_id: Option<i64>, k: default!(Option<i32>, 10)) -> TableIterator<'static, (name!(item_id, i64), name!(score, f32))> {
    let model = text(model, "model");
    let m = load(&model);
    integer_items(&m, &model);
    let rows = similar(&m, &model, &required(item_id, "item_id").to_string(), k);
    TableIterator::new(rows.into_iter().map(move |(i, s)| (as_i64(&m.item_ids[i as usize]), s)).collect::<Vec<_>>())
}

#[pg_extern(stable, parallel_safe, name = "similar_items", requires = ["catalog"])]
fn similar_items_text(model: Option<TextArg>, item_id: Option<TextArg>, k: default!(Option<i32>, 10)) -> TableIterator<'static, (name!(item_id, DbText), name!(score, f32))> {
    let model = text(model, "model");
    let m = load(&model);
    let rows = similar(&m, &model, &text(item_id, "item_id"), k);
    TableIterator::new(rows.into_iter().map(move |(i, s)| (DbText(m.item_ids[i as usize].clone()), s)))
}

/// Every item's factors as a vector (ids as text), so that plain SQL can rank them:
/// ORDER BY factors <#> user_factors LIMIT k.
#[pg_extern(stable, parallel_safe, requires = ["catalog", "vector_type"])]
fn recommender_item_factors(model: Option<TextArg>) -> TableIterator<'static, (name!(item_id, DbText), name!(factors, Vector))> {
    let m = load(&text(model, "model"));
    TableIterator::new((0..m.item_ids.len() as u32).map(move |i| (DbText(m.item_ids[i as usize].clone()), Vector::new(m.item_vector(i)))))
}

/// Every user's factors as a vector (ids as text).
#[pg_extern(stable, parallel_safe, requires = ["catalog", "vector_type"])]
fn recommender_user_factors(model: Option<TextArg>) -> TableIterator<'static, (name!(user_id, DbText), name!(factors, Vector))> {
    let m = load(&text(model, "model"));
    TableIterator::new((0..m.user_ids.len() as u32).map(move |u| (DbText(m.user_ids[u as usize].clone()), Vector::new(m.user_vector(u)))))
}
