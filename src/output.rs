//! Printing query results and the KPI library on the terminal.

use anyhow::Result;
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::util::pretty::pretty_format_batches;
use gerbang_query::kpi::{ViewDefinition, ViewKind};

use crate::Format;

pub fn print(batches: &[RecordBatch], format: Format) -> Result<()> {
    let stdout = std::io::stdout();
    match format {
        Format::Table => println!("{}", pretty_format_batches(batches)?),
        Format::Csv => {
            let mut writer = arrow_csv::WriterBuilder::new()
                .with_header(true)
                .build(stdout.lock());
            for batch in batches {
                writer.write(batch)?;
            }
        }
        Format::Json => {
            let mut writer = arrow_json::LineDelimitedWriter::new(stdout.lock());
            for batch in batches {
                writer.write(batch)?;
            }
            writer.finish()?;
        }
    }
    Ok(())
}

pub fn print_kpis(views: &[ViewDefinition]) {
    for view in views.iter().filter(|v| v.kind == ViewKind::Kpi) {
        println!("{}", view.name);
        println!("  title (en):  {}", view.title_en);
        println!("  judul (id):  {}", view.title_id);
        println!("  unit:        {}", view.unit);
        println!("  grain:       {}", view.grain);
        println!("  owner:       {}", view.owner);
        println!(
            "  target:      {}",
            view.target.as_deref().unwrap_or("none")
        );
        println!("  definition:  {}", view.definition);
        println!();
    }
}
