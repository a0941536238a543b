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
