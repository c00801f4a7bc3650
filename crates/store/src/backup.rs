//! Backups of the database as data, the same for both backends: every table's rows
//! read in one consistent snapshot while the site keeps serving, and written back
//! into an empty database of either kind, parents before children.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::sql::SqlStore;
use crate::{Backend, StoreError};

/// One table's rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableDump {
    pub name: String,
    /// Column names, and whether each holds whole numbers (else text).
    pub columns: Vec<(String, bool)>,
    /// Each row's values in column order: numbers, text or null.
    pub rows: Vec<Vec<serde_json::Value>>,
}

#[async_trait]
pub trait BackupStore: Send + Sync {
    /// Every table (but the migrations' own) in one snapshot, parents before
    /// children, rows in primary-key order.
    async fn dump(&self) -> Result<Vec<TableDump>, StoreError>;
    /// Whether the database holds no content yet: no staff, no article, no reader.
    async fn holds_nothing(&self) -> Result<bool, StoreError>;
    /// Replaces every table's rows with `tables`' (after migrations), all or
    /// nothing. Columns the database has that a dump lacks keep their defaults.
    async fn load(&self, tables: &[TableDump]) -> Result<(), StoreError>;
}

impl SqlStore {
    /// The tables, parents first (a table comes after those its foreign keys name).
    async fn tables_in_order(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    ) -> Result<Vec<String>, StoreError> {
        let (tables_sql, links_sql) = match self.backend {
            Backend::Sqlite => (
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
                "SELECT m.name, f.\"table\" FROM sqlite_master m, pragma_foreign_key_list(m.name) f \
                 WHERE m.type = 'table'",
            ),
            Backend::Postgres => (
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
                 AND table_name <> '_sqlx_migrations' ORDER BY table_name",
                "SELECT kcu.table_name::text, ccu.table_name::text \
                 FROM information_schema.table_constraints tc \
                 JOIN information_schema.key_column_usage kcu \
                   ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema \
                 JOIN information_schema.constraint_column_usage ccu \
                   ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema \
                 WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()",
            ),
        };
        let tables: Vec<String> = sqlx::query_scalar(tables_sql).fetch_all(&mut **tx).await?;
        let links: Vec<(String, String)> = sqlx::query_as(links_sql).fetch_all(&mut **tx).await?;
        let mut ordered: Vec<String> = Vec::with_capacity(tables.len());
        let mut left = tables;
        while !left.is_empty() {
            let ready: Vec<String> = left
                .iter()
                .filter(|table| {
                    links.iter().all(|(child, parent)| {
                        child != *table || parent == *table || ordered.contains(parent)
                    })
                })
                .cloned()
                .collect();
            if ready.is_empty() {
                return Err(StoreError::Corrupt(format!(
                    "the tables' foreign keys go round in a circle: {left:?}"
                )));
            }
            left.retain(|table| !ready.contains(table));
            ordered.extend(ready);
        }
        Ok(ordered)
    }

    /// A table's columns and whether each holds whole numbers.
    async fn columns_of(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        table: &str,
    ) -> Result<Vec<(String, bool)>, StoreError> {
        let sql = match self.backend {
            Backend::Sqlite => "SELECT name, type FROM pragma_table_info($1) ORDER BY cid",
            Backend::Postgres => {
                "SELECT column_name::text, data_type::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position"
            }
        };
        let columns: Vec<(String, String)> =
            sqlx::query_as(sql).bind(table).fetch_all(&mut **tx).await?;
        Ok(columns
            .into_iter()
            .map(|(name, kind)| {
                let number = kind.to_uppercase().contains("INT");
                (name, number)
            })
            .collect())
    }
}

/// `"name"`: an identifier from the database's own catalogue, quoted.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[async_trait]
impl BackupStore for SqlStore {
    async fn dump(&self) -> Result<Vec<TableDump>, StoreError> {
        // A plain (deferred) transaction: readers see one snapshot, writers go on.
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *tx)
                .await?;
        }
        let mut dumps = Vec::new();
        for table in self.tables_in_order(&mut tx).await? {
            let columns = self.columns_of(&mut tx, &table).await?;
            let list: Vec<String> = columns.iter().map(|(c, _)| quoted(c)).collect();
            let sql = format!(
                "SELECT {} FROM {} ORDER BY 1",
                list.join(", "),
                quoted(&table)
            );
            let mut rows = Vec::new();
            for row in sqlx::query(&sql).fetch_all(&mut *tx).await? {
                let mut values = Vec::with_capacity(columns.len());
                for (index, (_, number)) in columns.iter().enumerate() {
                    let value = if *number {
                        row.try_get::<Option<i64>, _>(index)?
                            .map_or(serde_json::Value::Null, Into::into)
                    } else {
                        row.try_get::<Option<String>, _>(index)?
                            .map_or(serde_json::Value::Null, Into::into)
                    };
                    values.push(value);
                }
                rows.push(values);
            }
            dumps.push(TableDump {
                name: table,
                columns,
                rows,
            });
        }
        tx.commit().await?;
        Ok(dumps)
    }

    async fn holds_nothing(&self) -> Result<bool, StoreError> {
        let rows: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM articles) \
             + (SELECT COUNT(*) FROM subscribers)",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(rows == 0)
    }

    async fn load(&self, tables: &[TableDump]) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let order = self.tables_in_order(&mut tx).await?;
        // Empty children first, then fill parents first.
        for table in order.iter().rev() {
            sqlx::query(&format!("DELETE FROM {}", quoted(table)))
                .execute(&mut *tx)
                .await?;
        }
        for table in &order {
            let Some(dump) = tables.iter().find(|t| &t.name == table) else {
                continue;
            };
            let have = self.columns_of(&mut tx, table).await?;
            // Only the columns both the dump and the database have.
            let kept: Vec<(usize, &(String, bool))> = dump
                .columns
                .iter()
                .enumerate()
                .filter(|(_, (name, _))| have.iter().any(|(h, _)| h == name))
                .collect();
            if kept.is_empty() {
                continue;
            }
            let names: Vec<String> = kept.iter().map(|(_, (n, _))| quoted(n)).collect();
            let marks: Vec<String> = (1..=kept.len()).map(|n| format!("${n}")).collect();
            // PostgreSQL's identity columns take the ids a backup gives.
            let overriding = match self.backend {
                Backend::Postgres => " OVERRIDING SYSTEM VALUE",
                Backend::Sqlite => "",
            };
            let sql = format!(
                "INSERT INTO {} ({}){overriding} VALUES ({})",
                quoted(table),
                names.join(", "),
                marks.join(", ")
            );
            for row in &dump.rows {
                let mut query = sqlx::query(&sql);
                for (index, (_, number)) in &kept {
                    let value = row.get(*index).unwrap_or(&serde_json::Value::Null);
                    query = match (number, value) {
                        (true, serde_json::Value::Number(n)) => query.bind(n.as_i64()),
                        (true, _) => query.bind(None::<i64>),
                        (false, serde_json::Value::String(s)) => query.bind(s.clone()),
                        (false, _) => query.bind(None::<String>),
                    };
                }
                query.execute(&mut *tx).await?;
            }
            // PostgreSQL's id sequences go on from the highest id loaded.
            // (A table keyed by text, such as api_keys, has none.)
            if self.backend == Backend::Postgres
                && have.iter().any(|(n, numeric)| n == "id" && *numeric)
            {
                let table_name = quoted(table);
                sqlx::query(&format!(
                    "SELECT setval(s, m) FROM (SELECT pg_get_serial_sequence($1, 'id') AS s, \
                     (SELECT MAX(id) FROM {table_name}) AS m) AS x \
                     WHERE s IS NOT NULL AND m IS NOT NULL"
                ))
                .bind(table.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            }
        }
        sqlx::query(crate::sql::BUMP_CONTENT_VERSION)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
