//! Spreadsheet exports with Chinese headers: CSV (UTF-8 with a byte-order
//! mark, so Excel reads the Chinese) and XLSX.

use actix_web::http::header;
use actix_web::HttpResponse;
use rust_xlsxwriter::{Format, Workbook};
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    #[default]
    Xlsx,
    Csv,
}

/// A table to export: headers and rows of cells.
pub struct Sheet {
    pub title: String,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_owned())
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Number(n as f64)
    }
}

impl From<Option<f64>> for Cell {
    fn from(n: Option<f64>) -> Self {
        n.map_or(Cell::Empty, Cell::Number)
    }
}

impl From<Option<String>> for Cell {
    fn from(s: Option<String>) -> Self {
        s.map_or(Cell::Empty, Cell::Text)
    }
}

fn csv_field(text: &str) -> String {
    // A leading = + - @ would make a spreadsheet evaluate the cell: quote it as text.
    let guarded = if text.starts_with(['=', '+', '-', '@']) { format!("'{text}") } else { text.to_owned() };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

pub fn to_csv(sheet: &Sheet) -> Vec<u8> {
    let mut out = String::from("\u{FEFF}");
    out.push_str(&sheet.headers.iter().map(|h| csv_field(h)).collect::<Vec<_>>().join(","));
    out.push_str("\r\n");
    for row in &sheet.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Cell::Text(t) => csv_field(t),
                Cell::Number(n) => n.to_string(),
                Cell::Empty => String::new(),
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// A worksheet name Excel accepts: none of `[]:*?/\\`, no apostrophe at
/// either end, 1–31 characters, not the reserved `History`.
fn sheet_name(title: &str) -> String {
    let cleaned: String =
        title.chars().map(|c| if "[]:*?/\\".contains(c) { '_' } else { c }).take(31).collect();
    match cleaned.trim_matches('\'').trim() {
        "" => "Sheet1".to_owned(),
        reserved if reserved.eq_ignore_ascii_case("history") => format!("{reserved}_"),
        name => name.to_owned(),
    }
}

pub fn to_xlsx(sheet: &Sheet) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    to_xlsx_book(std::slice::from_ref(sheet))
}

/// A workbook of several sheets; names made unique (`部门 (2)`) where
/// cleaning or truncation made two alike.
pub fn to_xlsx_book(sheets: &[Sheet]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let mut names: Vec<String> = Vec::new();
    for sheet in sheets {
        let base = sheet_name(&sheet.title);
        let mut name = base.clone();
        let mut n = 2;
        while names.iter().any(|taken| taken.eq_ignore_ascii_case(&name)) {
            let suffix = format!(" ({n})");
            name = format!("{}{suffix}", base.chars().take(31 - suffix.chars().count()).collect::<String>());
            n += 1;
        }
        names.push(name.clone());
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(name)?;
        for (col, header) in sheet.headers.iter().enumerate() {
            worksheet.write_string_with_format(0, col as u16, *header, &bold)?;
            worksheet.set_column_width(col as u16, 14)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (col, cell) in row.iter().enumerate() {
                match cell {
                    Cell::Text(t) => worksheet.write_string(r, col as u16, t)?,
                    Cell::Number(n) => worksheet.write_number(r, col as u16, *n)?,
                    Cell::Empty => worksheet,
                };
            }
        }
    }
    workbook.save_to_buffer()
}

/// The file as a download named `name` (.csv or .xlsx appended).
pub fn download(
    sheet: &Sheet,
    format: ExportFormat,
    name: &str,
) -> Result<HttpResponse, rust_xlsxwriter::XlsxError> {
    match format {
        ExportFormat::Csv => Ok(attachment(to_csv(sheet), "text/csv; charset=utf-8", name, "csv")),
        ExportFormat::Xlsx => download_book(std::slice::from_ref(sheet), name),
    }
}

/// Several sheets as one XLSX download named `name`.xlsx.
pub fn download_book(sheets: &[Sheet], name: &str) -> Result<HttpResponse, rust_xlsxwriter::XlsxError> {
    let mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    Ok(attachment(to_xlsx_book(sheets)?, mime, name, "xlsx"))
}

fn attachment(bytes: Vec<u8>, mime: &str, name: &str, ext: &str) -> HttpResponse {
    let encoded: String = format!("{name}.{ext}")
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    HttpResponse::Ok()
        .content_type(mime)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"export.{ext}\"; filename*=UTF-8''{encoded}"),
        ))
        .body(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_guards_formulas() {
        let sheet = Sheet {
            title: "t".into(),
            headers: vec!["姓名", "备注"],
            rows: vec![vec!["张伟".into(), "说\"好\",行".into()], vec!["=1+1".into(), Cell::Number(2.5)]],
        };
        let text = String::from_utf8(to_csv(&sheet)).unwrap();
        assert_eq!(text, "\u{FEFF}姓名,备注\r\n张伟,\"说\"\"好\"\",行\"\r\n'=1+1,2.5\r\n");
    }

    #[test]
    fn any_title_makes_a_workbook() {
        for title in
            ["兴趣客户：高尔夫[VIP]", "a:b/c\\d*e?f", "'引号'", "''", "", "History", &"很长的标签".repeat(10)]
        {
            let sheet =
                Sheet { title: title.into(), headers: vec!["姓名"], rows: vec![vec!["张伟".into()]] };
            assert!(to_xlsx(&sheet).is_ok(), "{title:?}");
            let name = sheet_name(title);
            assert!((1..=31).contains(&name.chars().count()), "{title:?} → {name:?}");
        }
        assert_eq!(sheet_name("兴趣客户：高尔夫[VIP]"), "兴趣客户：高尔夫_VIP_");
    }

    #[test]
    fn a_book_names_alike_sheets_apart() {
        let sheet = |title: &str| Sheet { title: title.into(), headers: vec!["x"], rows: vec![] };
        let long = "很长的部门名称".repeat(6);
        let book = [sheet("营业厅"), sheet("营业厅"), sheet("a:b"), sheet("a/b"), sheet(&long), sheet(&long)];
        assert!(to_xlsx_book(&book).is_ok());
    }
}
