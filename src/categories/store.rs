use diesel::prelude::*;
use diesel::result::QueryResult;

use crate::categories::model::{Category, CategoryChanges, CategoryRow};
use crate::db::schema::categories;
use crate::db::DbConn;
use crate::with_conn;

pub fn list(conn: &mut DbConn) -> QueryResult<Vec<Category>> {
    let rows = with_conn!(conn, |c| categories::table
        .order(categories::position)
        .select(CategoryRow::as_select())
        .load(c))?;
    Ok(rows.into_iter().map(Category::from).collect())
}

pub fn find(conn: &mut DbConn, key: &str) -> QueryResult<Option<Category>> {
    let row = with_conn!(conn, |c| categories::table
        .find(key)
        .select(CategoryRow::as_select())
        .first(c)
        .optional())?;
    Ok(row.map(Category::from))
}

pub fn update(conn: &mut DbConn, key: &str, changes: &CategoryChanges) -> QueryResult<Category> {
    let row = with_conn!(conn, |c| diesel::update(categories::table.find(key))
        .set(changes)
        .returning(CategoryRow::as_returning())
        .get_result(c))?;
    Ok(Category::from(row))
}

/// Adds a category after the others; `None` when its key is taken.
pub fn insert(conn: &mut DbConn, row: &CategoryRow) -> QueryResult<Option<Category>> {
    let last: Option<i32> =
        with_conn!(conn, |c| categories::table.select(diesel::dsl::max(categories::position)).first(c))?;
    let inserted = with_conn!(conn, |c| diesel::insert_into(categories::table)
        .values((
            categories::key.eq(&row.key),
            categories::name.eq(&row.name),
            categories::name_en.eq(&row.name_en),
            categories::base_points.eq(row.base_points),
            categories::freshness_days.eq(row.freshness_days),
            categories::position.eq(last.unwrap_or(0) + 1),
            categories::fields.eq(&row.fields),
            categories::updated_at.eq(row.updated_at),
        ))
        .on_conflict_do_nothing()
        .returning(CategoryRow::as_returning())
        .get_result(c)
        .optional())?;
    Ok(inserted.map(Category::from))
}
