//! The `vector` type: memory layout, text/binary I/O, typmod, operators, casts, aggregates.
//! Those are version-1 C functions declared by hand in sql/vector.sql, pgvector-style, so that
//! the SQL (type, operators, opclasses) is exactly what pgvector users know. `vector_extern`
//! makes the type usable in `#[pg_extern]` signatures, which every other SQL function uses.
pub mod aggregates_vector;
pub mod bits;
pub mod casts;
pub mod halfvec;
pub mod sparsevec;
pub mod io_vector;
pub mod memory_vector;
pub mod operators_vector;
pub mod vector_extern;
